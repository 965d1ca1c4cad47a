#include "harness/smtp_receiver.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "harness/child_process.h"

namespace memwatch::testing {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

SmtpReceiver::SmtpReceiver(Options options) {
  std::filesystem::create_directory(dir_.path() + "/mail");
  std::vector<std::string> args{"--dir", dir_.path() + "/mail"};
  if (options.starttls) {
    cert_ = dir_.path() + "/cert.pem";
    const std::string key = dir_.path() + "/key.pem";
    const CommandResult openssl =
        RunCommand({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days",
                    "1", "-subj", "/CN=localhost", "-addext",
                    "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", cert_});
    if (openssl.exit_code != 0) {
      error_ = "openssl could not make a test certificate: " + openssl.error;
      return;
    }
    args.insert(args.end(), {"--cert", cert_, "--key", key, "--user", options.user, "--password",
                             options.password});
  }
  process_ = std::make_unique<ScriptProcess>(
      std::string(MEMWATCH_SOURCE_DIR) + "/tests/integration/harness/smtp_receiver.py", args);
}

std::vector<SmtpReceiver::Message> SmtpReceiver::Messages() const {
  std::vector<Message> messages;
  for (int n = 1;; ++n) {
    const std::string base = dir_.path() + "/mail/msg-" + std::to_string(n);
    if (!std::filesystem::exists(base + ".eml") || !std::filesystem::exists(base + ".json")) break;
    const nlohmann::json envelope = nlohmann::json::parse(ReadAll(base + ".json"), nullptr, false);
    Message m;
    if (!envelope.is_discarded()) {
      m.mail_from = envelope.value("mail_from", "");
      m.rcpt_tos = envelope.value("rcpt_tos", std::vector<std::string>{});
    }
    m.data = ReadAll(base + ".eml");
    messages.push_back(std::move(m));
  }
  return messages;
}

bool SmtpReceiver::WaitForMessages(size_t n, std::chrono::milliseconds timeout) const {
  return PollUntil([&] { return Messages().size() >= n; }, timeout);
}

}  // namespace memwatch::testing
