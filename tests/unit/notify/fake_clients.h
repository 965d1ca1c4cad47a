// Recording fakes for the net seams, with scripted answers.
#pragma once

#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "net/http_client.h"
#include "net/smtp_client.h"

namespace memwatch::notify::testing {

struct RecordedPost {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  Duration timeout;
};

inline net::HttpResponse Status(int status, std::string body = "", std::string retry_after = "") {
  net::HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.retry_after = std::move(retry_after);
  return r;
}

inline net::HttpResponse Failure(net::NetError e, std::string message) {
  net::HttpResponse r;
  r.error = e;
  r.error_message = std::move(message);
  return r;
}

class FakeHttpClient : public net::HttpClient {
 public:
  // Answers per URL prefix would be overkill: scripted answers in call order,
  // then 200 "ok".
  explicit FakeHttpClient(std::vector<net::HttpResponse> script = {})
      : script_(script.begin(), script.end()) {}
  net::HttpResponse Post(const Secret& url, const std::vector<net::HttpHeader>& headers,
                         std::string_view body, Duration timeout) override {
    std::lock_guard lock(mu_);
    RecordedPost p{url.Reveal(), {}, std::string(body), timeout};
    for (const net::HttpHeader& h : headers) p.headers.emplace_back(h.name, h.value.Reveal());
    posts_.push_back(std::move(p));
    if (script_.empty()) return Status(200, "ok");
    net::HttpResponse r = script_.front();
    script_.pop_front();
    return r;
  }
  std::vector<RecordedPost> posts() {
    std::lock_guard lock(mu_);
    return posts_;
  }

 private:
  std::mutex mu_;
  std::deque<net::HttpResponse> script_;
  std::vector<RecordedPost> posts_;
};

class FakeSmtpClient : public net::SmtpClient {
 public:
  explicit FakeSmtpClient(net::SmtpResult answer = {250, net::NetError::kNone, ""})
      : answer_(std::move(answer)) {}
  net::SmtpResult Send(const net::SmtpServer& server, const net::SmtpMessage& message,
                       Duration) override {
    std::lock_guard lock(mu_);
    servers_.push_back(server);
    messages_.push_back(message);
    return answer_;
  }
  std::vector<net::SmtpMessage> messages() {
    std::lock_guard lock(mu_);
    return messages_;
  }
  std::vector<net::SmtpServer> servers() {
    std::lock_guard lock(mu_);
    return servers_;
  }

 private:
  std::mutex mu_;
  net::SmtpResult answer_;
  std::vector<net::SmtpServer> servers_;
  std::vector<net::SmtpMessage> messages_;
};

}  // namespace memwatch::notify::testing
