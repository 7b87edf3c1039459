// Running the real bpmnctl binary from a test, as a user's shell does: the
// command line quoted for /bin/sh, stdout read through a pipe, stderr through
// a file, the exit code; plus the small file helpers these tests share.
// Header-only, for the CLI test suites; not thread-safe (popen, files).
#pragma once

#include <stdio.h>
#include <sys/wait.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace bpmnctl_test {

using Args = std::vector<std::string>;

struct Output {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// `s` in single quotes for /bin/sh.
inline std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline void WriteFile(const std::filesystem::path& path,
                      const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

inline bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Runs a shell command line; stderr goes to `err_file`, read afterwards.
inline Output Shell(const std::string& command,
                    const std::filesystem::path& err_file) {
  Output run;
  const std::string line = command + " 2>" + Quote(err_file.string());
  FILE* pipe = popen(line.c_str(), "r");
  if (!pipe) return run;
  std::array<char, 4096> buf;
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe))
    run.out.append(buf.data(), n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.err = ReadFile(err_file);
  return run;
}

// The binary (BPMNCTL_PATH, from CMake) with `args`, quoted.
inline std::string CommandLine(const Args& args) {
  std::string line = Quote(BPMNCTL_PATH);
  for (const auto& a : args) line += " " + Quote(a);
  return line;
}

// bpmnctl ARGS run in `dir` (its stderr kept in dir/stderr.txt).
inline Output RunIn(const std::filesystem::path& dir, const Args& args) {
  return Shell("cd " + Quote(dir.string()) + " && " + CommandLine(args),
               dir / "stderr.txt");
}

}  // namespace bpmnctl_test
