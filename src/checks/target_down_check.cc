// target_down: `after` polls in a row failed, whatever the reason. Critical,
// with the reason (PollFailureName and the poller's message) as evidence
// and advice for that reason. Clears after kUpAfter successful polls in a
// row, so one lucky poll during a flapping outage does not clear it.
//
// While the target is down the engine keeps the other checks' findings as
// they were last seen (configuration findings stay true) and fires nothing
// new from them; see Check::NeedsSnapshot().
#include <fmt/format.h>

#include "checks/check.h"
#include "checks/format.h"
#include "checks/hysteresis.h"

namespace memwatch::checks {
namespace {

constexpr int kUpAfter = 2;

std::string_view AdviceFor(PollFailure f) {
  switch (f) {
    case PollFailure::kRefused:
      return "Is Redis running? Check systemctl status redis / docker ps and its log; if it was "
             "killed, dmesg | grep -i 'out of memory' shows the kernel's OOM killer. Check that "
             "it listens on this address (bind, port, protected-mode).";
    case PollFailure::kTimeout:
      return "Redis or the network does not answer: a long command (SLOWLOG GET 10), a fork or "
             "swap stall, or a firewall dropping packets. Try redis-cli -h <host> -p <port> PING "
             "from this machine.";
    case PollFailure::kAuth:
      return "The user or password in memwatch's config is wrong, or lacks the right to run "
             "INFO: ACL SETUSER memwatch on >password +info +ping";
    case PollFailure::kResolve:
      return "The host name does not resolve: check DNS and the address in memwatch's config.";
    case PollFailure::kProtocol:
    case PollFailure::kReplyTooLarge:
      return "The reply is not what Redis sends to INFO: is this address really a Redis server "
             "(a TLS port, a proxy, another service)?";
    case PollFailure::kServerError:
      return "Redis answered INFO with an error: LOADING means it is still loading its data "
             "after a restart; otherwise INFO may be renamed or denied by an ACL.";
    case PollFailure::kClosed:
      return "Redis closed the connection: maxclients reached (INFO clients), or it restarted or "
             "crashed (check its log). If it closed at once on a new connection, the port may "
             "speak TLS: use rediss://.";
    case PollFailure::kTls:
      return "The TLS connection failed: the error above says why (a CA to set with "
             "tls.ca_file, a name for tls.server_name, a client certificate, an expired "
             "certificate). openssl s_client -connect <host>:<port> -servername <name> shows "
             "what the server presents.";
    case PollFailure::kNone:
      break;
  }
  return "";
}

class TargetDownCheck final : public Check {
 public:
  TargetDownCheck() : Check("target_down") {}

  bool NeedsSnapshot() const override { return false; }

  std::optional<Finding> Evaluate(const CheckContext& ctx) override {
    const Observation& obs = ctx.obs;
    if (obs.failure == PollFailure::kNone) {
      consecutive_failures_ = 0;
      if (active_.has_value() && ++successes_ >= kUpAfter) active_.reset();
      return active_;
    }
    successes_ = 0;
    if (consecutive_failures_++ == 0) first_failure_ = obs.at;
    if (consecutive_failures_ < Param(ctx, "after")) return active_;

    const std::string reason =
        obs.failure_message.empty()
            ? std::string(PollFailureName(obs.failure))
            : fmt::format("{}: {}", PollFailureName(obs.failure), obs.failure_message);
    const std::string down_for = FormatDuration(SecondsBetween(first_failure_, obs.at));
    active_ =
        MakeFinding(Severity::kCritical,
                    fmt::format("memwatch cannot reach Redis: the last {} polls failed ({}) for {}",
                                consecutive_failures_, PollFailureName(obs.failure), down_for),
                    {{"reason", reason},
                     {"failed polls in a row", std::to_string(consecutive_failures_)},
                     {"down for", down_for}},
                    std::string(AdviceFor(obs.failure)));
    return active_;
  }

  void Reset() override {
    consecutive_failures_ = 0;
    successes_ = 0;
    active_.reset();
  }

 private:
  int consecutive_failures_ = 0;
  int successes_ = 0;  // in a row, while active
  MonoTime first_failure_;
  std::optional<Finding> active_;
};

}  // namespace

std::unique_ptr<Check> NewTargetDownCheck() { return std::make_unique<TargetDownCheck>(); }

}  // namespace memwatch::checks
