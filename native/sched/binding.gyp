{
  "targets": [
    {
      "target_name": "sched",
      "sources": ["sched.cc"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "cflags_cc": ["-O2", "-Wall"]
    }
  ]
}
