/**
 * TypeDoc plugin (typedoc.json `plugin`): doc comments for accessors seen through a mapped type.
 *
 * mpi4ts/util/pkl5's Comm classes extend `Omit<MPI.Comm, ...>` (their object
 * methods have other types than MPI.Comm's). TypeScript turns the getters of
 * a mapped type (`rank`, `size`, `name`, `transport`...) into properties
 * whose declarations are still the getters in src/api/comm.ts, but TypeDoc
 * looks for a property's comment only on property declarations, so it sees
 * them undocumented and misses their `@internal` tags. This gives such a
 * property its getter's comment: the one written in comm.ts, no copies.
 */
import { Converter, ReflectionKind } from 'typedoc';
import ts from 'typescript';

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (reflection.kind !== ReflectionKind.Property || reflection.comment) return;
    const getter = context.getSymbolFromReflection(reflection)?.declarations?.find(ts.isGetAccessorDeclaration);
    if (getter) reflection.comment = context.getNodeComment(getter, false);
  });
}
