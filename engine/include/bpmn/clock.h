// Time is injected: the engine asks a Clock, never the system. SystemClock
// reads the real time (the only code that does); ManualClock is moved by tests
// and scenarios. SystemClock is thread-safe; ManualClock is not.
#pragma once

#include <chrono>

namespace bpmn {

using TimePoint = std::chrono::sys_time<std::chrono::milliseconds>;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override;
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start) : now_(start) {}
  TimePoint Now() const override { return now_; }
  void Set(TimePoint t) { now_ = t; }
  void Advance(std::chrono::milliseconds d) { now_ += d; }

 private:
  TimePoint now_;
};

}  // namespace bpmn
