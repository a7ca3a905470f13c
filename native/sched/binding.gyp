{
  "targets": [
    {
      "target_name": "sched",
      "sources": ["sched.cc"],
      "cflags": ["-O2", "-Wall"],
      "cflags_cc": ["-O2", "-Wall", "-Wno-cast-function-type"]
    }
  ]
}
