// The time the runtime sees while the engine runs one command: the clock is
// read once when the command starts, so that everything the command records
// carries the same instant (a task's creation and the due date counted from
// it, the times of its events). Outside a command it is the clock itself:
// an instance row's update time is that of its commit, which for a group
// comes after many commands. Used by one engine thread.
#pragma once

#include <optional>

#include "bpmn/clock.h"

namespace bpmn::engine {

class CommandClock final : public Clock {
 public:
  explicit CommandClock(const Clock& clock) : clock_(clock) {}
  TimePoint Now() const override { return held_ ? *held_ : clock_.Now(); }

  // Holds the current instant until it goes out of scope; a command run
  // inside another keeps the outer one's instant.
  class Hold {
   public:
    explicit Hold(CommandClock& clock)
        : clock_(clock), outermost_(!clock.held_) {
      if (outermost_) clock_.held_ = clock_.clock_.Now();
    }
    ~Hold() {
      if (outermost_) clock_.held_.reset();
    }
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;

   private:
    CommandClock& clock_;
    bool outermost_;
  };

 private:
  const Clock& clock_;
  std::optional<TimePoint> held_;
};

}  // namespace bpmn::engine
