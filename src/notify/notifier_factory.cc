#include "notify/notifier_factory.h"

#include <variant>

#include "notify/alertmanager_notifier.h"
#include "notify/email_notifier.h"
#include "notify/slack_notifier.h"
#include "notify/webhook_notifier.h"

namespace memwatch::notify {
namespace {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
// C++20 deduces this for aggregates, but clang 14 does not implement that.
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

}  // namespace

std::unique_ptr<alerting::Notifier> MakeNotifier(const alerting::ReceiverConfig& r,
                                                 const alerting::AlertingConfig& config,
                                                 const NotifierDeps& deps) {
  const MessageOptions options{config.external_url};
  return std::visit(
      Overloaded{
          [&](const alerting::SlackSettings& s) -> std::unique_ptr<alerting::Notifier> {
            return std::make_unique<SlackNotifier>(r.name, s.webhook_url, options, deps.http,
                                                   r.timeout);
          },
          [&](const alerting::EmailSettings& s) -> std::unique_ptr<alerting::Notifier> {
            return std::make_unique<EmailNotifier>(r.name, s, options, deps.smtp, r.timeout);
          },
          [&](const alerting::WebhookSettings& s) -> std::unique_ptr<alerting::Notifier> {
            return std::make_unique<WebhookNotifier>(r.name, s, options, deps.http, r.timeout);
          },
          [&](const alerting::AlertmanagerSettings& s) -> std::unique_ptr<alerting::Notifier> {
            return std::make_unique<AlertmanagerNotifier>(r.name, s, AlertmanagerOptions{options},
                                                          deps.http, deps.clock, r.timeout);
          },
      },
      r.settings);
}

}  // namespace memwatch::notify
