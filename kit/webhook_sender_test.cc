#include "kit/webhook_sender.h"

#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kit/webhook.h"
#include "tests/testing/http_server.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/wait_for.h"

namespace svl {
namespace kit {
namespace {

using ::svl::testing::HttpRequest;
using ::svl::testing::HttpResponse;
using ::svl::testing::HttpServer;
using ::svl::testing::IsOk;
using ::svl::testing::kWaitTimeout;
using ::svl::testing::StatusIs;
using ::svl::testing::WaitFor;
using ::testing::ElementsAre;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;

WebhookNotice Notice(std::string event) {
  WebhookNotice notice;
  notice.text = absl::StrCat("httpok: web:web ", event);
  notice.listener = "httpok";
  notice.host = "db1";
  notice.event = std::move(event);
  notice.processes = {"web:web"};
  notice.time = absl::FromUnixSeconds(1796131971);
  return notice;
}

std::unique_ptr<HttpServer> StartServer() {
  absl::StatusOr<std::unique_ptr<HttpServer>> server = HttpServer::Start();
  EXPECT_THAT(server, IsOk());
  return server.ok() ? *std::move(server) : nullptr;
}

// The outcomes on_done was given, and the threads it was called on.
class Outcomes {
 public:
  std::function<void(const WebhookOutcome&)> Callback() {
    return [this](const WebhookOutcome& outcome) {
      absl::MutexLock lock(&mu_);
      outcomes_.push_back(outcome);
      threads_.push_back(std::this_thread::get_id());
    };
  }

  std::vector<WebhookOutcome> Get() const {
    absl::MutexLock lock(&mu_);
    return outcomes_;
  }

  std::vector<std::thread::id> Threads() const {
    absl::MutexLock lock(&mu_);
    return threads_;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<WebhookOutcome> outcomes_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread::id> threads_ ABSL_GUARDED_BY(mu_);
};

// "event@shown_url: status", one string per outcome, for exact comparison.
std::vector<std::string> Lines(const std::vector<WebhookOutcome>& outcomes) {
  std::vector<std::string> lines;
  for (const WebhookOutcome& outcome : outcomes) {
    lines.push_back(absl::StrCat(outcome.event, "@", outcome.shown_url, ": ",
                                 outcome.status.ToString()));
  }
  return lines;
}

std::vector<std::string> Bodies(const HttpServer& server) {
  std::vector<std::string> bodies;
  for (const HttpRequest& request : server.requests()) bodies.push_back(request.body);
  return bodies;
}

TEST(WebhookSenderTest, NoticesArriveInOrder) {
  std::unique_ptr<HttpServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  const std::string url = server->Url("/hook");
  Outcomes outcomes;
  {
    WebhookSender sender({{url}, {}, kDefaultWebhookTimeout, ""}, 16, outcomes.Callback());
    sender.Send(Notice("restart"));
    sender.Send(Notice("recovery"));
    EXPECT_TRUE(sender.DrainFor(kWaitTimeout));
    EXPECT_THAT(Lines(outcomes.Get()),
                ElementsAre(absl::StrCat("restart@", ShownWebhookUrl(url), ": OK"),
                            absl::StrCat("recovery@", ShownWebhookUrl(url), ": OK")));
  }
  EXPECT_THAT(Bodies(*server),
              ElementsAre(WebhookJson(Notice("restart")), WebhookJson(Notice("recovery"))));
  const std::vector<std::thread::id> threads = outcomes.Threads();
  ASSERT_EQ(threads.size(), 2);
  EXPECT_NE(threads[0], std::this_thread::get_id());
  EXPECT_EQ(threads[1], threads[0]);
}

TEST(WebhookSenderTest, EveryUrlGetsTheNotice) {
  std::unique_ptr<HttpServer> first = StartServer();
  std::unique_ptr<HttpServer> second = StartServer();
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  first->SetResponse(svl::testing::MakeResponse(404, "Not Found"));
  const std::string second_url =
      absl::StrCat("http://user:secret@127.0.0.1:", second->port(), "/hook");
  // Neither the credentials nor the path (often a secret itself) are shown.
  const std::string second_shown = absl::StrCat("http://127.0.0.1:", second->port(), "/***");
  Outcomes outcomes;
  {
    WebhookSender sender({{first->Url("/a"), second_url}, {}, kDefaultWebhookTimeout, ""}, 16,
                         outcomes.Callback());
    sender.Send(Notice("crash"));
  }  // the destructor drains
  EXPECT_THAT(Lines(outcomes.Get()),
              ElementsAre(absl::StrCat("crash@", ShownWebhookUrl(first->Url("/a")),
                                       ": FAILED_PRECONDITION: webhook ",
                                       ShownWebhookUrl(first->Url("/a")), ": HTTP 404 Not Found"),
                          absl::StrCat("crash@", second_shown, ": OK")));
  EXPECT_THAT(Bodies(*first), ElementsAre(WebhookJson(Notice("crash"))));
  EXPECT_THAT(Bodies(*second), ElementsAre(WebhookJson(Notice("crash"))));
}

// While the first POST waits for an answer, Send() still returns at once,
// and notices beyond the capacity drop the oldest waiting one.
TEST(WebhookSenderTest, StuckEndpointNeitherBlocksSendNorKeepsMoreThanCapacity) {
  absl::Notification answer;  // the server answers once notified
  std::unique_ptr<HttpServer> stuck = StartServer();
  std::unique_ptr<HttpServer> other = StartServer();
  ASSERT_NE(stuck, nullptr);
  ASSERT_NE(other, nullptr);
  stuck->SetHandler([&answer](const HttpRequest&) {
    answer.WaitForNotification();
    return HttpResponse();
  });
  const std::string stuck_url = stuck->Url("/stuck");
  const std::string other_url = other->Url("/other");
  const std::string stuck_shown = ShownWebhookUrl(stuck_url);
  const std::string other_shown = ShownWebhookUrl(other_url);
  Outcomes outcomes;
  WebhookSender sender({{stuck_url, other_url}, {}, kWaitTimeout, ""}, 1, outcomes.Callback());
  // Declared after the sender and the servers: a failing test still lets
  // them stop at once.
  absl::Cleanup release = [&answer] {
    if (!answer.HasBeenNotified()) answer.Notify();
  };

  sender.Send(Notice("first"));
  ASSERT_THAT(WaitFor([&] { return stuck->requests().size() == 1; }, kWaitTimeout,
                      "the first POST at the stuck endpoint"),
              IsOk());
  sender.Send(Notice("second"));  // waits
  sender.Send(Notice("third"));   // drops "second"
  sender.Send(Notice("fourth"));  // drops "third"
  EXPECT_FALSE(sender.DrainFor(absl::Milliseconds(100)));
  EXPECT_TRUE(outcomes.Get().empty());

  answer.Notify();
  EXPECT_TRUE(sender.DrainFor(kWaitTimeout));
  const std::string dropped = "RESOURCE_EXHAUSTED: webhook ";
  EXPECT_THAT(
      Lines(outcomes.Get()),
      ElementsAre(absl::StrCat("first@", stuck_shown, ": OK"),
                  absl::StrCat("first@", other_shown, ": OK"),
                  absl::StrCat("second@", stuck_shown, ": ", dropped, stuck_shown,
                               ": dropped: too many notices waiting"),
                  absl::StrCat("second@", other_shown, ": ", dropped, other_shown,
                               ": dropped: too many notices waiting"),
                  absl::StrCat("third@", stuck_shown, ": ", dropped, stuck_shown,
                               ": dropped: too many notices waiting"),
                  absl::StrCat("third@", other_shown, ": ", dropped, other_shown,
                               ": dropped: too many notices waiting"),
                  absl::StrCat("fourth@", stuck_shown, ": OK"),
                  absl::StrCat("fourth@", other_shown, ": OK")));
  EXPECT_THAT(Bodies(*stuck),
              ElementsAre(WebhookJson(Notice("first")), WebhookJson(Notice("fourth"))));
  EXPECT_THAT(Bodies(*other),
              ElementsAre(WebhookJson(Notice("first")), WebhookJson(Notice("fourth"))));
}

// A hanging endpoint holds each POST until its timeout, no longer: the
// destructor ends with the notice reported as timed out.
TEST(WebhookSenderTest, DestructorEndsAfterTheTimeoutOfAHangingEndpoint) {
  std::unique_ptr<HttpServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  HttpResponse hang;
  hang.action = HttpResponse::Action::kHang;
  server->SetResponse(hang);
  const std::string url = server->Url("/hook");
  Outcomes outcomes;
  {
    WebhookSender sender({{url}, {}, absl::Milliseconds(200), ""}, 16, outcomes.Callback());
    sender.Send(Notice("give-up"));
    ASSERT_TRUE(server->WaitForRequests(1, kWaitTimeout));
  }
  const std::vector<WebhookOutcome> got = outcomes.Get();
  ASSERT_EQ(got.size(), 1);
  EXPECT_EQ(got[0].shown_url, ShownWebhookUrl(url));
  EXPECT_EQ(got[0].event, "give-up");
  EXPECT_THAT(got[0].status,
              StatusIs(absl::StatusCode::kDeadlineExceeded,
                       StartsWith(absl::StrCat("webhook ", ShownWebhookUrl(url), ": Operation timed out after "))));
  EXPECT_EQ(server->requests().size(), 1);
}

// A listener that stops gives up on a hanging endpoint: the POST in
// progress is abandoned (a timeout of an hour notwithstanding), the notice
// waiting and any later one are reported as not sent.
TEST(WebhookSenderTest, AbandonGivesUpTheHangingPostAndTheWaitingNotices) {
  std::unique_ptr<HttpServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  HttpResponse hang;
  hang.action = HttpResponse::Action::kHang;
  server->SetResponse(hang);
  const std::string url = server->Url("/hook");
  const std::string shown = ShownWebhookUrl(url);
  Outcomes outcomes;
  {
    WebhookSender sender({{url}, {}, absl::Hours(1), ""}, 16, outcomes.Callback());
    sender.Send(Notice("first"));
    ASSERT_TRUE(server->WaitForRequests(1, kWaitTimeout));
    sender.Send(Notice("second"));
    sender.Abandon();
    sender.Send(Notice("third"));
    sender.Drain();
  }
  std::vector<std::string> lines;
  for (const WebhookOutcome& o : outcomes.Get()) {
    lines.push_back(absl::StrCat(o.event, ": ", o.status.ToString()));
  }
  EXPECT_THAT(lines,
              UnorderedElementsAre(
                  absl::StrCat("first: CANCELLED: webhook ", shown,
                               ": abandoned: the listener is stopping"),
                  absl::StrCat("second: CANCELLED: webhook ", shown,
                               ": not sent: the listener is stopping"),
                  absl::StrCat("third: CANCELLED: webhook ", shown,
                               ": not sent: the listener is stopping")));
  EXPECT_EQ(server->requests().size(), 1);
}

TEST(WebhookSenderTest, DrainWithNothingSentReturnsAtOnce) {
  Outcomes outcomes;
  WebhookSender sender({{"http://127.0.0.1:1/"}, {}, kDefaultWebhookTimeout, ""}, 16,
                       outcomes.Callback());
  sender.Drain();
  EXPECT_TRUE(sender.DrainFor(absl::ZeroDuration()));
  EXPECT_TRUE(outcomes.Get().empty());
}

}  // namespace
}  // namespace kit
}  // namespace svl
