/*
 * sched_yield(2) for the embedded runtime's waiting ranks.
 *
 * With more ranks than cores, a rank that waits for a message should give its
 * core to the rank that will send it. Node has no way to yield a thread:
 * Atomics.wait parks it on a futex, and the wake-up that follows costs tens of
 * microseconds on a virtual machine. Open MPI's shared-memory transport polls
 * and calls sched_yield; this addon lets our ranks do the same. It is optional:
 * without it (no compiler at install time) ranks park instead, correct but
 * slower when oversubscribed.
 */
#include <node_api.h>
#include <sched.h>

static napi_value Yield(napi_env env, napi_callback_info info) {
  (void)env;
  (void)info;
  sched_yield();
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  if (napi_create_function(env, "yield", NAPI_AUTO_LENGTH, Yield, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "yield", fn) != napi_ok) return NULL;
  return exports;
}
