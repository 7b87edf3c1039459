// SystemClock (bpmn/clock.h): the one place that reads the system time.
// Thread-safe.
#include "bpmn/clock.h"

namespace bpmn {

TimePoint SystemClock::Now() const {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now());
}

}  // namespace bpmn
