// See wal_write_buffer.h. The VFS is a thin layer over SQLite's default unix
// VFS: every method forwards, and only files opened with SQLITE_OPEN_WAL get
// the buffering file methods below. The real file object lives in the same
// allocation, right after the BufferedLog header.
#include "persistence/wal_write_buffer.h"

#include <sqlite3.h>

#include <cstddef>
#include <new>
#include <string>
#include <string_view>

namespace bpmn::persistence {
namespace {

// The most the unix VFS writes in one call (its seekAndWrite keeps the low
// 17 bits of the length, and reports a longer write as short, that is as a
// full disk). A longer run of frames goes out in several calls.
constexpr std::size_t kMaxHeld = 0x1ffff;

struct BufferedLog {
  sqlite3_file base;
  sqlite3_file* real;
  std::string* held;  // bytes not yet written, starting at held_at
  sqlite3_int64 held_at;
};

constexpr std::size_t kHeaderSize =
    (sizeof(BufferedLog) + alignof(std::max_align_t) - 1) /
    alignof(std::max_align_t) * alignof(std::max_align_t);

BufferedLog* AsLog(sqlite3_file* file) {
  return reinterpret_cast<BufferedLog*>(file);
}
sqlite3_file* RealFile(sqlite3_file* file) { return AsLog(file)->real; }

// Writes what is held; it is dropped either way (after a failure SQLite
// writes the frames again or gives the transaction up).
int WriteHeld(BufferedLog* log) {
  if (log->held->empty()) return SQLITE_OK;
  const int rc = log->real->pMethods->xWrite(
      log->real, log->held->data(), static_cast<int>(log->held->size()),
      log->held_at);
  log->held->clear();
  return rc;
}

// Whatever is still held belongs to no commit (wal_write_buffer.h): dropped.
int LogClose(sqlite3_file* file) {
  BufferedLog* log = AsLog(file);
  const int closed = log->real->pMethods->xClose(log->real);
  delete log->held;
  log->held = nullptr;
  return closed;
}

int LogRead(sqlite3_file* file, void* data, int amount, sqlite3_int64 at) {
  if (int rc = WriteHeld(AsLog(file)); rc != SQLITE_OK) return rc;
  return RealFile(file)->pMethods->xRead(RealFile(file), data, amount, at);
}

int LogWrite(sqlite3_file* file, const void* data, int amount,
             sqlite3_int64 at) {
  BufferedLog* log = AsLog(file);
  std::string& held = *log->held;
  const auto size = static_cast<std::size_t>(amount);
  const bool follows =
      at == log->held_at + static_cast<sqlite3_int64>(held.size());
  if (!follows || held.size() + size > kMaxHeld) {
    if (int rc = WriteHeld(log); rc != SQLITE_OK) return rc;
    log->held_at = at;
  }
  if (size > kMaxHeld) {
    return log->real->pMethods->xWrite(log->real, data, amount, at);
  }
  try {
    held.append(static_cast<const char*>(data), size);
  } catch (const std::bad_alloc&) {
    held.clear();
    return SQLITE_NOMEM;
  }
  return SQLITE_OK;
}

int LogTruncate(sqlite3_file* file, sqlite3_int64 size) {
  if (int rc = WriteHeld(AsLog(file)); rc != SQLITE_OK) return rc;
  return RealFile(file)->pMethods->xTruncate(RealFile(file), size);
}

int LogSync(sqlite3_file* file, int flags) {
  if (int rc = WriteHeld(AsLog(file)); rc != SQLITE_OK) return rc;
  return RealFile(file)->pMethods->xSync(RealFile(file), flags);
}

int LogFileSize(sqlite3_file* file, sqlite3_int64* size) {
  if (int rc = WriteHeld(AsLog(file)); rc != SQLITE_OK) return rc;
  return RealFile(file)->pMethods->xFileSize(RealFile(file), size);
}

int LogLock(sqlite3_file* file, int level) {
  return RealFile(file)->pMethods->xLock(RealFile(file), level);
}
int LogUnlock(sqlite3_file* file, int level) {
  return RealFile(file)->pMethods->xUnlock(RealFile(file), level);
}
int LogCheckReservedLock(sqlite3_file* file, int* out) {
  return RealFile(file)->pMethods->xCheckReservedLock(RealFile(file), out);
}

int LogFileControl(sqlite3_file* file, int op, void* arg) {
  if (int rc = WriteHeld(AsLog(file)); rc != SQLITE_OK) return rc;
  return RealFile(file)->pMethods->xFileControl(RealFile(file), op, arg);
}

int LogSectorSize(sqlite3_file* file) {
  return RealFile(file)->pMethods->xSectorSize(RealFile(file));
}
int LogDeviceCharacteristics(sqlite3_file* file) {
  return RealFile(file)->pMethods->xDeviceCharacteristics(RealFile(file));
}

int LogShmMap(sqlite3_file* file, int region, int size, int extend,
              void volatile** out) {
  return RealFile(file)->pMethods->xShmMap(RealFile(file), region, size, extend,
                                           out);
}
int LogShmLock(sqlite3_file* file, int offset, int n, int flags) {
  return RealFile(file)->pMethods->xShmLock(RealFile(file), offset, n, flags);
}
void LogShmBarrier(sqlite3_file* file) {
  RealFile(file)->pMethods->xShmBarrier(RealFile(file));
}
int LogShmUnmap(sqlite3_file* file, int delete_flag) {
  return RealFile(file)->pMethods->xShmUnmap(RealFile(file), delete_flag);
}
int LogFetch(sqlite3_file* file, sqlite3_int64 at, int amount, void** out) {
  if (int rc = WriteHeld(AsLog(file)); rc != SQLITE_OK) return rc;
  return RealFile(file)->pMethods->xFetch(RealFile(file), at, amount, out);
}
int LogUnfetch(sqlite3_file* file, sqlite3_int64 at, void* page) {
  return RealFile(file)->pMethods->xUnfetch(RealFile(file), at, page);
}

constexpr sqlite3_io_methods kLogMethods = {
    3,
    LogClose,
    LogRead,
    LogWrite,
    LogTruncate,
    LogSync,
    LogFileSize,
    LogLock,
    LogUnlock,
    LogCheckReservedLock,
    LogFileControl,
    LogSectorSize,
    LogDeviceCharacteristics,
    LogShmMap,
    LogShmLock,
    LogShmBarrier,
    LogShmUnmap,
    LogFetch,
    LogUnfetch,
};

// The VFS methods: the default VFS's, called with the default VFS itself
// (the unix VFS reads its own pAppData).
sqlite3_vfs* Base(sqlite3_vfs* vfs) {
  return static_cast<sqlite3_vfs*>(vfs->pAppData);
}

int Open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* file, int flags,
         int* out_flags) {
  sqlite3_vfs* base = Base(vfs);
  if ((flags & SQLITE_OPEN_WAL) == 0) {
    return base->xOpen(base, name, file, flags, out_flags);
  }
  BufferedLog* log = AsLog(file);
  log->base.pMethods = nullptr;  // SQLite calls xClose only when set
  log->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) +
                                              kHeaderSize);
  log->real->pMethods = nullptr;
  log->held = nullptr;
  log->held_at = 0;
  int rc = base->xOpen(base, name, log->real, flags, out_flags);
  if (rc == SQLITE_OK && log->real->pMethods->iVersion < 3)
    rc = SQLITE_CANTOPEN;
  if (rc == SQLITE_OK) {
    log->held = new (std::nothrow) std::string;
    if (log->held == nullptr) rc = SQLITE_NOMEM;
  }
  if (rc != SQLITE_OK) {
    if (log->real->pMethods != nullptr) log->real->pMethods->xClose(log->real);
    return rc;
  }
  log->base.pMethods = &kLogMethods;
  return SQLITE_OK;
}

int Delete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
  return Base(vfs)->xDelete(Base(vfs), name, sync_dir);
}
int Access(sqlite3_vfs* vfs, const char* name, int flags, int* out) {
  return Base(vfs)->xAccess(Base(vfs), name, flags, out);
}
int FullPathname(sqlite3_vfs* vfs, const char* name, int size, char* out) {
  return Base(vfs)->xFullPathname(Base(vfs), name, size, out);
}
void* DlOpen(sqlite3_vfs* vfs, const char* name) {
  return Base(vfs)->xDlOpen(Base(vfs), name);
}
void DlError(sqlite3_vfs* vfs, int size, char* out) {
  Base(vfs)->xDlError(Base(vfs), size, out);
}
void (*DlSym(sqlite3_vfs* vfs, void* handle, const char* symbol))(void) {
  return Base(vfs)->xDlSym(Base(vfs), handle, symbol);
}
void DlClose(sqlite3_vfs* vfs, void* handle) {
  Base(vfs)->xDlClose(Base(vfs), handle);
}
int Randomness(sqlite3_vfs* vfs, int size, char* out) {
  return Base(vfs)->xRandomness(Base(vfs), size, out);
}
int Sleep(sqlite3_vfs* vfs, int microseconds) {
  return Base(vfs)->xSleep(Base(vfs), microseconds);
}
int CurrentTime(sqlite3_vfs* vfs, double* out) {
  return Base(vfs)->xCurrentTime(Base(vfs), out);
}
int GetLastError(sqlite3_vfs* vfs, int size, char* out) {
  return Base(vfs)->xGetLastError(Base(vfs), size, out);
}
int CurrentTimeInt64(sqlite3_vfs* vfs, sqlite3_int64* out) {
  return Base(vfs)->xCurrentTimeInt64(Base(vfs), out);
}
int SetSystemCall(sqlite3_vfs* vfs, const char* name,
                  sqlite3_syscall_ptr call) {
  return Base(vfs)->xSetSystemCall(Base(vfs), name, call);
}
sqlite3_syscall_ptr GetSystemCall(sqlite3_vfs* vfs, const char* name) {
  return Base(vfs)->xGetSystemCall(Base(vfs), name);
}
const char* NextSystemCall(sqlite3_vfs* vfs, const char* name) {
  return Base(vfs)->xNextSystemCall(Base(vfs), name);
}

const char* Register() {
  sqlite3_vfs* base = sqlite3_vfs_find(nullptr);
  if (base == nullptr || base->iVersion < 3 ||
      std::string_view(base->zName).substr(0, 4) != "unix") {
    return nullptr;
  }
  static sqlite3_vfs vfs = {
      3,
      static_cast<int>(kHeaderSize) + base->szOsFile,
      base->mxPathname,
      nullptr,
      "bpmn-wal-write-buffer",
      base,
      Open,
      Delete,
      Access,
      FullPathname,
      DlOpen,
      DlError,
      DlSym,
      DlClose,
      Randomness,
      Sleep,
      CurrentTime,
      GetLastError,
      CurrentTimeInt64,
      SetSystemCall,
      GetSystemCall,
      NextSystemCall,
  };
  if (sqlite3_vfs_register(&vfs, 0) != SQLITE_OK) return nullptr;
  return vfs.zName;
}

}  // namespace

const char* WalWriteBufferVfs() {
  static const char* const name = Register();
  return name;
}

}  // namespace bpmn::persistence
