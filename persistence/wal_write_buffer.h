// A SQLite VFS that gathers a transaction's writes to the write-ahead log
// into one write. SQLite writes each log frame with two pwrite calls (a
// 24-byte header, then the page), about twenty a W4 step and two hundred a
// group commit; on this kind of virtual machine each call costs over a
// microsecond of kernel time. This VFS keeps contiguous writes to a "-wal"
// file in memory and hands them to the real file in one call before anything
// can look at them: before the log is synced, read, truncated, measured or
// closed, or when a write does not follow on. Every other file (the database,
// its shared memory) is the default VFS's own file, untouched.
//
// Only correct under two conditions, which SqliteStore sets up:
// - every commit syncs the log (synchronous FULL or EXTRA): SQLite publishes
//   a commit's frames to other connections after the sync, so they are in
//   the file by then. With NORMAL or OFF a commit publishes frames without a
//   sync, and other connections could read frames still held here.
// - no transaction writes frames before its commit (PRAGMA cache_spill =
//   OFF): frames a large transaction spilled and then rolled back would stay
//   held after its write lock is gone (this VFS does not see the lock), and
//   a later flush would write them over frames another connection has
//   committed since. So held bytes are always those of the commit under way,
//   between its first frame and its sync; at close, anything still held is
//   such a leftover and is dropped.
#pragma once

namespace bpmn::persistence {

// The name to pass to sqlite3_open_v2, registered (not as the default) on the
// first call; nullptr when the default VFS is not SQLite's unix one, whose
// file methods this forwards to.
const char* WalWriteBufferVfs();

}  // namespace bpmn::persistence
