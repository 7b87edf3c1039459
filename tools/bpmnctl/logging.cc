// The subsystem loggers (logging.h).
#include "bpmnctl/logging.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <iostream>

namespace bpmnctl {

bool SetUpLogging(const std::string& level, const std::string& fallback) {
  std::string name = level;
  if (name.empty()) {
    const char* env = std::getenv("BPMN_LOG_LEVEL");
    name = env && *env ? env : fallback;
  }
  auto parsed = spdlog::level::from_str(name);
  if (parsed == spdlog::level::off && name != "off") {
    std::cerr << "bpmnctl: unknown log level '" << name
              << "' (trace, debug, info, warn, error, off)\n";
    return false;
  }
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  for (const char* subsystem : {"engine", "timer", "store"}) {
    if (auto existing = spdlog::get(subsystem)) {
      existing->set_level(parsed);
      continue;
    }
    auto logger = std::make_shared<spdlog::logger>(subsystem, sink);
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l [%n] %v",
                        spdlog::pattern_time_type::utc);
    logger->set_level(parsed);
    spdlog::register_logger(logger);
  }
  return true;
}

}  // namespace bpmnctl
