/*
 * Pins for the native addon (mpi4ts_native.c, which is C): keep the backing
 * store of a typed array alive while the MPI library may still read or
 * write it, i.e. from the start of a non-blocking call (MPI_Isend,
 * MPI_Irecv, MPI_Imrecv, MPI_Ibcast, MPI_Ireduce, MPI_Iallreduce) until its
 * request completes.
 *
 * Why: the program runs on after a non-blocking call, and may give the
 * buffer away (postMessage or structuredClone with a transfer list,
 * ArrayBuffer.prototype.transfer) or drop it; JavaScript references alone
 * (keepAlive in src/transport/native/engine.ts) keep the ArrayBuffer
 * object, not its memory, which a transfer moves out of it and the new
 * owner may free. A std::shared_ptr<v8::BackingStore> is the reference V8
 * itself hands to the receiving isolate: while we hold one, the memory
 * cannot be freed, whatever happens to the ArrayBuffer. So the library
 * never writes into freed memory and never sends bytes of memory reused for
 * something else; the JavaScript side reports a buffer that changed under
 * a pending operation (ERR_BUFFER) when it completes.
 *
 * Resizable ArrayBuffers are not pinned (0 is returned): V8 takes back the
 * pages of a shrunk resizable buffer even while its store is referenced.
 * The engine copies them into memory of its own first
 * (src/transport/native/engine.ts, `pinnable`).
 *
 * Node-API has no call for a backing store; a napi_value is a pointer to a
 * V8 handle slot, the same bits as a v8::Local (Node's js_native_api_v8.h
 * converts them by memcpy, V8LocalValueFromJsValue). Node-API callbacks run
 * inside a HandleScope, so Buffer() may make a handle here.
 */
#include <node_api.h>
#include <v8.h>
#include <string.h>

#include <memory>

extern "C" {

/* A pin of the view's backing store (release with mpi4ts_unpin), NULL for an empty view, or (void*)1 when not pinnable. */
void *mpi4ts_pin(napi_env env, napi_value value);
void mpi4ts_unpin(void *pin);

}

#define NOT_PINNABLE ((void *)1)

void *mpi4ts_pin(napi_env env, napi_value value) {
  (void)env;
  v8::Local<v8::Value> v;
  static_assert(sizeof v == sizeof value, "napi_value and v8::Local differ in size");
  memcpy(static_cast<void *>(&v), &value, sizeof value);
  if (!v->IsArrayBufferView()) return nullptr;
  v8::Local<v8::ArrayBuffer> ab = v.As<v8::ArrayBufferView>()->Buffer();
  std::shared_ptr<v8::BackingStore> store = ab->IsSharedArrayBuffer()
      ? v8::Local<v8::Value>(ab).As<v8::SharedArrayBuffer>()->GetBackingStore()
      : ab->GetBackingStore();
  if (!store || store->ByteLength() == 0) return nullptr;
  if (store->IsResizableByUserJavaScript()) return NOT_PINNABLE;
  return new std::shared_ptr<v8::BackingStore>(std::move(store));
}

void mpi4ts_unpin(void *pin) {
  if (pin != nullptr && pin != NOT_PINNABLE) delete static_cast<std::shared_ptr<v8::BackingStore> *>(pin);
}
