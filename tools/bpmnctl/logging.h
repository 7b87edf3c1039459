// Logging for bpmnctl: one spdlog logger per subsystem ("engine", "timer",
// "store"), on stderr, at the level named by --log-level or $BPMN_LOG_LEVEL
// (trace, debug, info, warn, error, off; default warn, `run` defaults to info).
// Call once at start, before other threads exist.
#pragma once

#include <string>

namespace bpmnctl {

// Returns false (and says why on stderr) for an unknown level name.
bool SetUpLogging(const std::string& level, const std::string& fallback);

}  // namespace bpmnctl
