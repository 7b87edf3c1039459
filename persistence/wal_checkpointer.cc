#include "persistence/wal_checkpointer.h"

#include <sqlite3.h>

namespace bpmn::persistence {

std::unique_ptr<WalCheckpointer> WalCheckpointer::Start(
    const std::string& path, int busy_timeout_ms,
    const std::string& synchronous) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    sqlite3_close_v2(db);
    return nullptr;
  }
  sqlite3_busy_timeout(db, busy_timeout_ms);
  // A connection learns that the file is in WAL mode when it first reads it;
  // until then it has no log to checkpoint.
  const std::string setup = "PRAGMA synchronous = " + synchronous +
                            "; SELECT count(*) FROM sqlite_master";
  if (sqlite3_exec(db, setup.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    sqlite3_close_v2(db);
    return nullptr;
  }
  return std::unique_ptr<WalCheckpointer>(new WalCheckpointer(db));
}

WalCheckpointer::WalCheckpointer(sqlite3* db)
    : db_(db), thread_([this] { Run(); }) {}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
  sqlite3_close_v2(db_);
}

WalCheckpointer::Status WalCheckpointer::status() const {
  std::lock_guard lock(mutex_);
  return {requested_ || running_, backfilled_, passes_this_log_, passes_};
}

void WalCheckpointer::Request() {
  {
    std::lock_guard lock(mutex_);
    requested_ = true;
  }
  wake_.notify_one();
}

void WalCheckpointer::LogRestarted() {
  std::lock_guard lock(mutex_);
  backfilled_ = 0;
  passes_this_log_ = 0;
  ++generation_;
}

void WalCheckpointer::Run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return requested_ || stopping_; });
    if (stopping_) return;
    requested_ = false;
    running_ = true;
    const long generation = generation_;
    lock.unlock();
    // A failure (busy, disk full) copies nothing: the store asks again, and
    // checkpoints inline should the log keep growing.
    int log = 0, copied = 0;
    const int rc = sqlite3_wal_checkpoint_v2(
        db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
    lock.lock();
    running_ = false;
    ++passes_;
    if (rc == SQLITE_OK && generation == generation_ && copied > 0) {
      backfilled_ = copied;
      ++passes_this_log_;
    }
  }
}

}  // namespace bpmn::persistence
