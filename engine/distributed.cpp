#include "engine/distributed.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <string>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include "engine/threads.h"
#include "engine/trainer.h"

#ifdef GAN_HAVE_C10D
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

namespace gan {
using nlohmann::json;

bool distributed_available() {
#ifdef GAN_HAVE_C10D
  return true;
#else
  return false;
#endif
}

std::string distributed_unavailable_reason() {
  return "this build has no distributed training: it needs LibTorch with c10d and Gloo, and libgloo's headers "
         "(Debian: libgloo-dev) when it is built";
}

namespace {
// An integer environment variable in [lo, hi]; nothing when unset.
std::optional<long long> env_integer(const char* name, long long lo, long long hi) {
  const char* v = std::getenv(name);
  if (!v) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  const long long x = std::strtoll(v, &end, 10);
  if (*v == '\0' || *end != '\0' || errno != 0 || x < lo || x > hi)
    throw std::invalid_argument(std::string(name) + " is '" + v + "': it must be a whole number from " +
                                std::to_string(lo) + " to " + std::to_string(hi));
  return x;
}
}  // namespace

std::chrono::seconds distributed_timeout() {
  return std::chrono::seconds(env_integer("GAN_EXPLORER_DIST_TIMEOUT", 1, 86400).value_or(120));
}

std::optional<DistributedEnv> distributed_env_from_environment() {
  const auto world = env_integer("WORLD_SIZE", 1, 65536);
  if (!world || (*world == 1 && !std::getenv("RANK"))) return std::nullopt;
  DistributedEnv e;
  e.world = static_cast<int>(*world);
  const auto rank = env_integer("RANK", 0, e.world - 1);
  if (!rank) throw std::invalid_argument("WORLD_SIZE is set but RANK is not: set both (torchrun does)");
  e.rank = static_cast<int>(*rank);
  e.local_rank = static_cast<int>(env_integer("LOCAL_RANK", 0, 65535).value_or(0));
  e.local_world = static_cast<int>(env_integer("LOCAL_WORLD_SIZE", 1, 65536).value_or(1));
  const char* addr = std::getenv("MASTER_ADDR");
  if (!addr || !*addr) throw std::invalid_argument("WORLD_SIZE is set but MASTER_ADDR is not: rank 0's address");
  e.master_addr = addr;
  const auto port = env_integer("MASTER_PORT", 1, 65535);
  if (!port) throw std::invalid_argument("WORLD_SIZE is set but MASTER_PORT is not: a free port on rank 0's machine");
  e.master_port = static_cast<int>(*port);
  e.timeout = distributed_timeout();
  return e;
}

#ifdef GAN_HAVE_C10D
namespace {
// What a c10d failure means for the user; the library's own words follow.
std::string lost_contact(const std::exception& e, std::chrono::seconds timeout) {
  std::string why = e.what();
  why = why.substr(0, why.find('\n'));
  return "lost contact with the other processes of the run (one ended, or did not answer within " +
         std::to_string(timeout.count()) + " s): " + why;
}

bool loopback(const std::string& addr) {
  return addr == "localhost" || addr.rfind("127.", 0) == 0 || addr == "::1";
}

class GlooGroup : public ProcessGroup {
 public:
  explicit GlooGroup(const DistributedEnv& env) : env_(env) {
    const auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(env.timeout);
    try {
      c10d::TCPStoreOptions so;
      so.port = static_cast<std::uint16_t>(env.master_port);
      // Under torchrun the agent already serves the store on MASTER_PORT and says so: rank 0 joins it.
      const char* agent = std::getenv("TORCHELASTIC_USE_AGENT_STORE");
      so.isServer = env.rank == 0 && !(agent && std::string(agent) == "True");
      so.numWorkers = static_cast<std::size_t>(env.world);
      so.waitWorkers = true;
      so.timeout = timeout;
      // Under a prefix: torchrun's store may hold the keys of its agents and of earlier attempts.
      const char* attempt = std::getenv("TORCHELASTIC_RESTART_COUNT");
      store_ = c10::make_intrusive<c10d::PrefixStore>(
          std::string("gan-explorer/") + (attempt ? attempt : "0"), c10::make_intrusive<c10d::TCPStore>(env.master_addr, so));
      auto options = c10d::ProcessGroupGloo::Options::create(timeout);
      if (const char* ifname = std::getenv("GLOO_SOCKET_IFNAME"); ifname && *ifname)
        options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(ifname));
      else if (loopback(env.master_addr))
        options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
      else
        options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
      pg_ = c10::make_intrusive<c10d::ProcessGroupGloo>(store_, env.rank, env.world, options);
    } catch (const std::exception& e) {
      std::string why = e.what();
      throw DistributedError("could not join the run as process " + std::to_string(env.rank) + " of " +
                             std::to_string(env.world) + " at " + env.master_addr + ":" +
                             std::to_string(env.master_port) + " (timeout " + std::to_string(env.timeout.count()) +
                             " s): " + why.substr(0, why.find('\n')));
    }
  }

  int rank() const override { return env_.rank; }
  int world() const override { return env_.world; }
  const DistributedEnv& env() const override { return env_; }

  void all_reduce_sum(std::vector<torch::Tensor>& tensors) override {
    run([&] {
      std::vector<c10::intrusive_ptr<c10d::Work>> works;
      for (auto& t : tensors) {
        std::vector<at::Tensor> one{t};
        works.push_back(pg_->allreduce(one));
      }
      for (auto& w : works) w->wait();
    });
  }

  void broadcast(std::vector<torch::Tensor>& tensors, int root) override {
    run([&] {
      std::vector<c10::intrusive_ptr<c10d::Work>> works;
      c10d::BroadcastOptions o;
      o.rootRank = root;
      for (auto& t : tensors) {
        std::vector<at::Tensor> one{t};
        works.push_back(pg_->broadcast(one, o));
      }
      for (auto& w : works) w->wait();
    });
  }

  void set(const std::string& key, const std::string& value) override {
    run([&] { store_->set("run/" + key, std::vector<uint8_t>(value.begin(), value.end())); });
  }
  std::string get(const std::string& key) override {
    std::string out;
    run([&] {
      const auto bytes = store_->get("run/" + key);
      out.assign(bytes.begin(), bytes.end());
    });
    return out;
  }

 private:
  template <typename F>
  void run(F f) {
    try {
      f();
    } catch (const DistributedError&) {
      throw;
    } catch (const std::exception& e) {
      throw DistributedError(lost_contact(e, env_.timeout));
    }
  }

  DistributedEnv env_;
  c10::intrusive_ptr<c10d::Store> store_;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> pg_;
};
}  // namespace

std::shared_ptr<ProcessGroup> ProcessGroup::join(const DistributedEnv& env) { return std::make_shared<GlooGroup>(env); }
#else
std::shared_ptr<ProcessGroup> ProcessGroup::join(const DistributedEnv&) {
  throw std::runtime_error(distributed_unavailable_reason());
}
#endif

std::shared_ptr<ProcessGroup> ProcessGroup::join(const DistributedEnv& env, const std::function<void()>& check) {
  struct Shared {
    std::mutex m;
    std::condition_variable done;
    bool finished = false;
    std::shared_ptr<ProcessGroup> group;
    std::exception_ptr error;
  };
  auto shared = std::make_shared<Shared>();
  std::thread([shared, env] {  // owns copies only: it may outlive the caller
    std::shared_ptr<ProcessGroup> g;
    std::exception_ptr error;
    try {
      g = join(env);
    } catch (...) {
      error = std::current_exception();
    }
    std::lock_guard<std::mutex> lock(shared->m);
    shared->group = std::move(g);
    shared->error = error;
    shared->finished = true;
    shared->done.notify_all();
  }).detach();
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(shared->m);
      if (shared->done.wait_for(lock, std::chrono::milliseconds(100), [&] { return shared->finished; })) {
        if (shared->error) std::rethrow_exception(shared->error);
        return shared->group;
      }
    }
    check();
  }
}

void announce_run(ProcessGroup& group, const RunAnnouncement& run) {
  group.set("run", json{{"config", run.config}, {"resume_from", run.resume_from}}.dump());
}

RunAnnouncement await_run(ProcessGroup& group) {
  const json j = json::parse(group.get("run"));
  return {j.at("config"), j.at("resume_from").get<std::string>()};
}

int free_local_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error(std::string("cannot open a socket: ") + std::strerror(errno));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0;
  const int err = errno;
  ::close(fd);
  if (!ok) throw std::runtime_error(std::string("cannot find a free port: ") + std::strerror(err));
  return ntohs(a.sin_port);
}

std::string worker_executable() {
  if (const char* exe = std::getenv("GAN_EXPLORER_EXE"); exe && *exe) return exe;
  char buf[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) throw std::runtime_error("cannot find this program's path to start the other processes");
  return std::string(buf, static_cast<size_t>(n));
}

LocalWorkers::LocalWorkers(const std::string& exe, const DistributedEnv& env) {
  for (int rank = 1; rank < env.world; ++rank) {
    // The child's environment is built before fork: after it only exec runs (no allocation).
    const std::vector<std::string> vars = {
        "RANK=" + std::to_string(rank), "LOCAL_RANK=" + std::to_string(rank), "WORLD_SIZE=" + std::to_string(env.world),
        "LOCAL_WORLD_SIZE=" + std::to_string(env.world), "MASTER_ADDR=" + env.master_addr,
        "MASTER_PORT=" + std::to_string(env.master_port),
        "GAN_EXPLORER_DIST_TIMEOUT=" + std::to_string(env.timeout.count())};
    std::vector<const char*> envp;
    for (const auto& v : vars) envp.push_back(v.c_str());
    for (char** e = environ; *e; ++e) {
      bool replaced = false;
      for (const auto& v : vars)
        replaced = replaced || std::strncmp(*e, v.c_str(), v.find('=') + 1) == 0;
      if (!replaced) envp.push_back(*e);
    }
    envp.push_back(nullptr);
    const char* argv[] = {exe.c_str(), "train", nullptr};
    const pid_t pid = ::fork();
    if (pid < 0) {
      const int err = errno;
      end_all();
      throw std::runtime_error("cannot start process " + std::to_string(rank) + ": " + std::strerror(err));
    }
    if (pid == 0) {
      // None of this process's files or sockets (only async-signal-safe calls here).
      long closed = -1;
#ifdef SYS_close_range
      closed = ::syscall(SYS_close_range, 3U, ~0U, 0U);
#endif
      if (closed != 0)
        for (int fd = 3; fd < 4096; ++fd) ::close(fd);
      ::execve(exe.c_str(), const_cast<char* const*>(argv), const_cast<char* const*>(envp.data()));
      ::_exit(127);
    }
    pids_.push_back(pid);
    reaped_.push_back(false);
  }
}

std::vector<std::string> LocalWorkers::failures() {
  std::vector<std::string> out;
  for (size_t i = 0; i < pids_.size(); ++i) {
    if (reaped_[i]) continue;
    int status = 0;
    if (::waitpid(pids_[i], &status, WNOHANG) != pids_[i]) continue;
    reaped_[i] = true;
    const std::string who = "process " + std::to_string(i + 1);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127) out.push_back(who + " could not be started");
    else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
      out.push_back(who + " exited with status " + std::to_string(WEXITSTATUS(status)));
    else if (WIFSIGNALED(status)) out.push_back(who + " was killed by signal " + std::to_string(WTERMSIG(status)));
  }
  return out;
}

LocalWorkers::~LocalWorkers() { end_all(); }

void LocalWorkers::kill_all() {
  for (size_t i = 0; i < pids_.size(); ++i)
    if (!reaped_[i]) {
      ::kill(pids_[i], SIGKILL);
      ::waitpid(pids_[i], nullptr, 0);
      reaped_[i] = true;
    }
}

void LocalWorkers::end_all() {
  // They end on their own once rank 0 has said so (or its group is gone); give them a few seconds.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    bool running = false;
    for (size_t i = 0; i < pids_.size(); ++i) {
      if (reaped_[i]) continue;
      int status = 0;
      if (::waitpid(pids_[i], &status, WNOHANG) == pids_[i]) reaped_[i] = true;
      else running = true;
    }
    if (!running) return;
    if (std::chrono::steady_clock::now() > deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill_all();
}

int run_worker(const Registry& registry, ProcessGroup& group, const std::function<bool()>& stop_requested,
               const std::function<void(const std::string&)>& say) {
  at::set_num_threads(training_threads_sharing(group.env().local_world));
  try {
    const RunAnnouncement run = await_run(group);
    const TrainConfig config = validate(config_from_json(run.config), registry);
    std::unique_ptr<Trainer> trainer;
    if (run.resume_from.empty())
      trainer = std::make_unique<Trainer>(registry, config, load_streams(config, registry));
    else
      trainer = continue_run(read_checkpoint(run.resume_from, registry, config.model), config, registry);
    trainer->join(group);
    while (!trainer->finished()) {
      const auto agreed = trainer->agree(stop_requested(), false);
      if (agreed.stop) break;
      if (agreed.pause) continue;
      try {
        trainer->step();
      } catch (const NonFiniteLoss&) {
        // Every rank sees the same (averaged) losses: rank 0 pauses the run, and says why.
      }
    }
    return 0;
  } catch (const std::exception& e) {
    std::string why = e.what();
    say(why.substr(0, why.find('\n')));
    return 1;
  }
}

}  // namespace gan
