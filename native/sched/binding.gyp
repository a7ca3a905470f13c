{
  "targets": [
    {
      "target_name": "sched",
      "sources": ["sched.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"]
    }
  ]
}
