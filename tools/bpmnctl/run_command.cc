// `bpmnctl run`: the timer loop in the foreground. A Boost.Asio steady timer
// is armed for the engine's next due time (at most one second ahead, so that
// instances and timers written meanwhile by other processes are picked up);
// when it expires the engine fires every due timer, commits, and the timer is
// armed again. Timers that fell due while nothing ran fire once at start-up.
// SIGINT or SIGTERM stop it between commands. Single-threaded: the engine
// runs on the io_context's one thread.
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <functional>

#include "bpmnctl/commands.h"
#include "bpmnctl/db_session.h"
#include "bpmnctl/logging.h"
#include "model/timer_spec.h"

namespace bpmnctl {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;

int RunLoop(const DbOptions& o, const std::string& level, double seconds) {
  if (!SetUpLogging(level, "info")) return kExitUsage;
  auto log = spdlog::get("timer");
  auto session = OpenSession(o);
  if (!session) return kExitRefused;
  bpmn::engine::Engine& engine = *session->engine;
  asio::io_context io;
  asio::steady_timer timer(io);
  asio::steady_timer deadline(io);
  asio::signal_set signals(io, SIGINT, SIGTERM);
  int exit_code = kExitOk;
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    log->info("signal {}: stopping", signal);
    io.stop();
  });
  if (seconds > 0) {
    deadline.expires_after(milliseconds(static_cast<long>(seconds * 1000)));
    deadline.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) io.stop();
    });
  }
  std::function<void()> tick = [&] {
    if (auto fired = engine.FireDue(); !fired)
      log->error("firing due timers failed: {} ({})", fired.error().message,
                 bpmn::ErrorCodeName(fired.error().code));
    milliseconds wait(1000);
    if (auto next = engine.NextDue()) {
      auto until = std::chrono::duration_cast<milliseconds>(
          *next - session->clock.Now());
      wait = std::clamp(until, milliseconds(0), wait);
      log->debug("next timer due at {}", bpmn::model::FormatTimePoint(*next));
    }
    timer.expires_after(wait);
    timer.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) tick();
    });
  };
  log->info("running on {}", o.db);
  tick();
  io.run();
  return exit_code;
}

}  // namespace

void AddRunCommand(CLI::App& app, int& exit_code) {
  static DbOptions o;
  static std::string level;
  static double seconds = 0;
  auto* run = app.add_subcommand(
      "run", "fire timers on the database as they fall due (foreground)");
  AddDbOptions(run, o);
  run->add_option("--log-level", level,
                  "trace, debug, info, warn, error or off (default info, or "
                  "$BPMN_LOG_LEVEL)");
  run->add_option("--for", seconds, "stop after this many seconds");
  run->callback([&] { exit_code = RunLoop(o, level, seconds); });
}

}  // namespace bpmnctl
