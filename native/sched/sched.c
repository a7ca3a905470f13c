/*
 * Two things the embedded runtime's ranks (worker threads of one process)
 * cannot do in JavaScript.
 *
 * sched_yield(2) for waiting ranks. With more ranks than cores, a rank that
 * waits for a message should give its core to the rank that will send it.
 * Node has no way to yield a thread: Atomics.wait parks it on a futex, and
 * the wake-up that follows costs tens of microseconds on a virtual machine.
 * Open MPI's shared-memory transport polls and calls sched_yield; this addon
 * lets our ranks do the same.
 *
 * Single-copy transfers. A rank's ArrayBuffers belong to its own isolate: the
 * other ranks can reach them only through a shared segment, two copies. But
 * every rank is a thread of the same process, so the memory itself is
 * addressable from all of them, as Open MPI reaches another process's memory
 * with process_vm_readv (CMA). `address` gives where a typed array's bytes
 * are; `copyFrom` copies from such an address into a typed array of the
 * calling rank, `copyTo` from one of its typed arrays to such an address.
 * The owner keeps its array alive and untouched until the copies are done
 * (it waits in the call); the backing store of an array whose address was
 * taken lives outside V8's heap and never moves.
 *
 * The addon is optional: without it (no compiler at install time) ranks park
 * instead of yielding and large broadcasts take two copies.
 */
#include <node_api.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>

static napi_value Yield(napi_env env, napi_callback_info info) {
  (void)env;
  (void)info;
  sched_yield();
  return NULL;
}

static napi_value Throw(napi_env env, const char *msg) {
  napi_throw_range_error(env, NULL, msg);
  return NULL;
}

/* The bytes of a typed array: where they start and how many. */
static int Bytes(napi_env env, napi_value v, uint8_t **data, size_t *len) {
  napi_typedarray_type type;
  size_t length, offset;
  void *p;
  napi_value buffer;
  if (napi_get_typedarray_info(env, v, &type, &length, &p, &buffer, &offset) != napi_ok) return 0;
  size_t per = 1;
  switch (type) {
    case napi_int16_array: case napi_uint16_array: per = 2; break;
    case napi_int32_array: case napi_uint32_array: case napi_float32_array: per = 4; break;
    case napi_float64_array: case napi_bigint64_array: case napi_biguint64_array: per = 8; break;
    default: per = 1;
  }
  *data = p;
  *len = length * per;
  return 1;
}

/* The first `want` arguments of the call, if it has them. */
static int Args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  return napi_get_cb_info(env, info, &argc, argv, NULL, NULL) == napi_ok && argc >= want;
}

static int Number(napi_env env, napi_value v, double *out) {
  return napi_get_value_double(env, v, out) == napi_ok;
}

/* address(view): where the view's first byte is, as a number (exact: user addresses are below 2^53). */
static napi_value Address(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  uint8_t *data;
  size_t len;
  napi_value out;
  if (!Args(env, info, 1, argv) || !Bytes(env, argv[0], &data, &len)) return Throw(env, "address: expected a typed array");
  napi_create_double(env, (double)(uintptr_t)data, &out);
  return out;
}

/* copyFrom(dst, at, address, n): n bytes from address into dst at byte offset at. */
static napi_value CopyFrom(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  uint8_t *data;
  size_t len;
  double at, address, n;
  if (!Args(env, info, 4, argv)) return Throw(env, "copyFrom: expected (dst, at, address, n)");
  if (!Bytes(env, argv[0], &data, &len)) return Throw(env, "copyFrom: dst must be a typed array");
  if (!Number(env, argv[1], &at) || !Number(env, argv[2], &address) || !Number(env, argv[3], &n)) {
    return Throw(env, "copyFrom: at, address and n must be numbers");
  }
  if (!(at >= 0) || !(n >= 0) || at + n > (double)len || !(address > 0)) return Throw(env, "copyFrom: range outside dst, or no address");
  if (n > 0) memcpy(data + (size_t)at, (const void *)(uintptr_t)address, (size_t)n);
  return NULL;
}

/* copyTo(address, src, n): the first n bytes of src to address. */
static napi_value CopyTo(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  uint8_t *data;
  size_t len;
  double address, n;
  if (!Args(env, info, 3, argv)) return Throw(env, "copyTo: expected (address, src, n)");
  if (!Bytes(env, argv[1], &data, &len)) return Throw(env, "copyTo: src must be a typed array");
  if (!Number(env, argv[0], &address) || !Number(env, argv[2], &n)) return Throw(env, "copyTo: address and n must be numbers");
  if (!(n >= 0) || n > (double)len || !(address > 0)) return Throw(env, "copyTo: range outside src, or no address");
  if (n > 0) memcpy((void *)(uintptr_t)address, data, (size_t)n);
  return NULL;
}

NAPI_MODULE_INIT() {
  static const struct { const char *name; napi_callback fn; } fns[] = {
    { "yield", Yield }, { "address", Address }, { "copyFrom", CopyFrom }, { "copyTo", CopyTo },
  };
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_value fn;
    if (napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, NULL, &fn) != napi_ok) return NULL;
    if (napi_set_named_property(env, exports, fns[i].name, fn) != napi_ok) return NULL;
  }
  return exports;
}
