{
  "targets": [
    {
      "target_name": "sched",
      "sources": ["sched.cc"],
      "cflags": ["-O3", "-Wall"],
      "cflags_cc": ["-O3", "-Wall", "-Wno-cast-function-type", "-std=c++17"]
    }
  ]
}
