/**
 * The string tags of MPI-4's group-based constructors
 * (MPI_Comm_create_from_group, MPI_Intercomm_create_from_groups) as the
 * integer tags mpi4ts's constructions are told apart by.
 *
 * These constructions run, as MPI_Comm_create_group does, on COMM_WORLD's
 * collective context seen through a communicator of the members only, whose
 * messages carry the sender's rank among those members. Two constructions
 * of different groups meeting at one process (one process is done with the
 * first and starts the second while another is still in the first) must
 * therefore differ in tag, not only in stringtag: the tag covers the
 * members' process ids too.
 */

/**
 * A tag in [0, 2^30) for `stringtag` and the process ids `members` (in
 * group order): FNV-1a over the string's UTF-16 code units and the ids,
 * folded to 30 bits. Equal arguments always agree, as MPI requires of the
 * members; different ones collide 1 time in 2^30.
 */
export function stringtagKey(stringtag: string, members: ArrayLike<number>): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < stringtag.length; i++) {
    h ^= stringtag.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  for (let i = 0; i < members.length; i++) {
    for (let v = members[i]! | 0, k = 0; k < 4; k++, v >>>= 8) {
      h ^= (v & 0xff) | 0x100; // the id's bytes, marked apart from the string's code units
      h = Math.imul(h, 0x01000193);
    }
  }
  return ((h >>> 30) ^ h) & 0x3fffffff;
}
