// Copies the write-ahead log back into the database file on a thread of its
// own, so that a commit seldom waits for a checkpoint. It owns a second
// connection to the file and runs PASSIVE checkpoints, which never block a
// writer or a reader. SQLite starts the log over only once every frame in it
// has been copied, which a background copy rarely achieves while commits keep
// coming; so the store finishes the job inline once the thread has copied all
// but a few frames (SqliteStore::Impl::OnWalCommit, persistence/README.md).
// Thread-safe; the destructor waits for a pass under way and closes the
// connection.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

struct sqlite3;

namespace bpmn::persistence {

class WalCheckpointer {
 public:
  // Opens the second connection with the store's `synchronous` setting (a
  // checkpoint syncs the log and the file only under FULL or EXTRA) and
  // starts the thread; nothing when the file cannot be opened again (the
  // store then checkpoints inline).
  static std::unique_ptr<WalCheckpointer> Start(const std::string& path,
                                                int busy_timeout_ms,
                                                const std::string& synchronous);
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  struct Status {
    bool busy = false;        // a pass requested or running
    int backfilled = 0;       // frames of the current log copied so far
    int passes_this_log = 0;  // passes that copied frames of the current log
    long passes = 0;          // passes run since Start
  };
  Status status() const;
  // Asks for one pass (a request while one is pending folds into it).
  void Request();
  // The log was started over: frames copied before no longer count.
  void LogRestarted();

 private:
  explicit WalCheckpointer(sqlite3* db);
  void Run();

  sqlite3* db_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool requested_ = false;
  bool running_ = false;
  bool stopping_ = false;
  int backfilled_ = 0;
  int passes_this_log_ = 0;
  long passes_ = 0;
  long generation_ = 0;  // LogRestarted calls; a pass across one is dropped
  std::thread thread_;
};

}  // namespace bpmn::persistence
