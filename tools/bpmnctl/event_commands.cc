// Verbs that deliver events and work on jobs and incidents on a database
// file: `message NAME`, `signal NAME`, `jobs [--type T]`,
// `job complete|fail|error JOB`, `incidents`, `retry JOB`. Single-threaded.
#include <iostream>

#include "bpmnctl/commands.h"
#include "bpmnctl/db_session.h"

namespace bpmnctl {
namespace {

using nlohmann::json;

int Message(const DbOptions& o, const std::string& name,
            const std::string& correlation, const std::string& vars,
            const std::string& ttl) {
  auto variables = ParseVars(vars);
  if (!variables) return Refused(o, variables.error());
  std::chrono::milliseconds keep{0};
  if (!ttl.empty()) {
    auto d = ParseDurationOption("--ttl", ttl);
    if (!d) return Refused(o, d.error());
    keep = *d;
  }
  auto session = OpenSession(o);
  if (!session) return kExitRefused;
  if (auto done = session->engine->CorrelateMessage(name, correlation,
                                                    *variables, keep);
      !done)
    return Refused(o, done.error());
  Print(o, json{{"message", name}, {"correlation", correlation}},
        "message " + name + " delivered\n");
  return kExitOk;
}

int Signal(const DbOptions& o, const std::string& name,
           const std::string& vars) {
  auto variables = ParseVars(vars);
  if (!variables) return Refused(o, variables.error());
  auto session = OpenSession(o);
  if (!session) return kExitRefused;
  auto n = session->engine->BroadcastSignal(name, *variables);
  if (!n) return Refused(o, n.error());
  Print(o, json{{"signal", name}, {"delivered", *n}},
        "signal " + name + " delivered to " + std::to_string(*n) + "\n");
  return kExitOk;
}

struct JobsOptions {
  std::string type;
  std::string worker;  // --lock: activate for this worker
  std::string lock_for = "PT5M";
  std::size_t max = 10;
};

int Jobs(const DbOptions& o, const JobsOptions& options) {
  std::chrono::milliseconds lock{0};
  if (!options.worker.empty()) {
    if (options.type.empty())
      return Refused(o, UsageError("--lock needs --type"));
    auto d = ParseDurationOption("--lock-for", options.lock_for);
    if (!d) return Refused(o, d.error());
    lock = *d;
  }
  auto session = OpenSession(o);
  if (!session) return kExitRefused;
  std::vector<bpmn::store::JobRecord> jobs;
  if (!options.worker.empty()) {
    auto activated = session->engine->ActivateJobs(options.type, options.worker,
                                                   lock, options.max);
    if (!activated) return Refused(o, activated.error());
    for (const auto& a : *activated) {
      const auto* s = session->engine->runtime().Instance(a.instance);
      jobs.push_back({a.job.id, a.instance, s ? s->node(a.job.node).id : "",
                      a.job.type, a.job.retries, a.job.lock_owner,
                      a.job.lock_expires.time_since_epoch().count()});
    }
  } else {
    auto list = session->store->Jobs(options.type);
    if (!list) return Refused(o, list.error());
    jobs = std::move(*list);
  }
  json out = json::array();
  std::string text;
  for (const auto& j : jobs) {
    json entry = {{"id", j.id},
                  {"instance_id", j.instance},
                  {"element_id", j.element_id},
                  {"type", j.type},
                  {"retries", j.retries},
                  {"worker", j.lock_owner},
                  {"locked_until", j.lock_owner.empty()
                                       ? json(nullptr)
                                       : json(FormatMillis(j.lock_expires))}};
    out.push_back(entry);
    text += std::to_string(j.id) + "  instance " + std::to_string(j.instance) +
            "  " + j.element_id + "  type=" + j.type +
            "  retries=" + std::to_string(j.retries) +
            (j.lock_owner.empty() ? ""
                                  : "  locked by " + j.lock_owner + " until " +
                                        FormatMillis(j.lock_expires)) +
            "\n";
  }
  Print(o, out, text);
  return kExitOk;
}

int Job(const DbOptions& o, const std::string& action, bpmn::runtime::Id job,
        const std::string& vars, const std::string& message,
        const std::string& code) {
  auto variables = ParseVars(vars);
  if (!variables) return Refused(o, variables.error());
  auto session = OpenSession(o);
  if (!session) return kExitRefused;
  bpmn::Result<void> done;
  if (action == "complete") {
    done = session->engine->CompleteJob(job, *variables);
  } else if (action == "fail") {
    done = session->engine->FailJob(job, message);
  } else {
    if (code.empty()) return Refused(o, UsageError("job error needs --code"));
    done = session->engine->ThrowJobError(job, code, *variables);
  }
  if (!done) return Refused(o, done.error());
  Print(o, json{{"job", job}, {"result", action}},
        "job " + std::to_string(job) + ": " + action + "\n");
  return kExitOk;
}

int Incidents(const DbOptions& o) {
  auto session = OpenSession(o);
  if (!session) return kExitRefused;
  auto list = session->store->Incidents();
  if (!list) return Refused(o, list.error());
  json out = json::array();
  std::string text;
  for (const auto& i : *list) {
    out.push_back({{"id", i.id},
                   {"instance_id", i.instance},
                   {"element_id", i.element_id},
                   {"message", i.message}});
    text += std::to_string(i.id) + "  instance " + std::to_string(i.instance) +
            "  " + i.element_id + ": " + i.message + "\n";
  }
  Print(o, out, text);
  return kExitOk;
}

int Retry(const DbOptions& o, bpmn::runtime::Id job, std::int64_t retries) {
  auto session = OpenSession(o);
  if (!session) return kExitRefused;
  if (auto done = session->engine->RetryJob(job, retries); !done)
    return Refused(o, done.error());
  Print(o, json{{"job", job}, {"retries", retries}},
        "job " + std::to_string(job) + " has " + std::to_string(retries) +
            " retries\n");
  return kExitOk;
}

}  // namespace

void AddEventCommands(CLI::App& app, int& exit_code) {
  static DbOptions message_o, signal_o, jobs_o, job_o, incidents_o, retry_o;
  static std::string message_name, correlation, message_vars, ttl;
  auto* message = app.add_subcommand("message", "correlate a message");
  AddDbOptions(message, message_o);
  message->add_option("name", message_name, "the message name")->required();
  message->add_option("--correlation", correlation, "the correlation key");
  message->add_option("--vars", message_vars, "variables as a JSON object");
  message->add_option("--ttl", ttl,
                      "keep an unmatched message this long (ISO 8601)");
  message->callback([&] {
    exit_code =
        Message(message_o, message_name, correlation, message_vars, ttl);
  });

  static std::string signal_name, signal_vars;
  auto* signal = app.add_subcommand("signal", "broadcast a signal");
  AddDbOptions(signal, signal_o);
  signal->add_option("name", signal_name, "the signal name")->required();
  signal->add_option("--vars", signal_vars, "variables as a JSON object");
  signal->callback(
      [&] { exit_code = Signal(signal_o, signal_name, signal_vars); });

  static JobsOptions jobs_options;
  auto* jobs = app.add_subcommand(
      "jobs", "list open jobs, or lock some for a worker (--lock)");
  AddDbOptions(jobs, jobs_o);
  jobs->add_option("--type", jobs_options.type, "of this type");
  jobs->add_option("--lock", jobs_options.worker,
                   "lock the jobs for this worker and print them");
  jobs->add_option("--lock-for", jobs_options.lock_for,
                   "how long the lock lasts (ISO 8601, default PT5M)");
  jobs->add_option("--max", jobs_options.max,
                   "lock at most this many (default 10)");
  jobs->callback([&] { exit_code = Jobs(jobs_o, jobs_options); });

  static std::string action, job_vars, job_message, code;
  static bpmn::runtime::Id job_id = 0;
  auto* job = app.add_subcommand("job", "complete, fail or throw an error");
  AddDbOptions(job, job_o);
  job->add_option("action", action, "complete, fail or error")
      ->required()
      ->check(CLI::IsMember({"complete", "fail", "error"}));
  job->add_option("job", job_id, "the job id")->required();
  job->add_option("--vars", job_vars, "variables as a JSON object");
  job->add_option("--message", job_message, "why it failed");
  job->add_option("--code", code, "the BPMN error code (job error)");
  job->callback([&] {
    exit_code = Job(job_o, action, job_id, job_vars, job_message, code);
  });

  auto* incidents = app.add_subcommand("incidents", "list open incidents");
  AddDbOptions(incidents, incidents_o);
  incidents->callback([&] { exit_code = Incidents(incidents_o); });

  static bpmn::runtime::Id retry_id = 0;
  static std::int64_t retries = 3;
  auto* retry = app.add_subcommand(
      "retry", "give a failed job more retries and resolve its incident");
  AddDbOptions(retry, retry_o);
  retry->add_option("job", retry_id, "the job id")->required();
  retry->add_option("--retries", retries, "how many (default 3)");
  retry->callback([&] { exit_code = Retry(retry_o, retry_id, retries); });
}

}  // namespace bpmnctl
