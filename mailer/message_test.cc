#include "mailer/message.h"

#include <string>

#include "absl/strings/escaping.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace svl {
namespace mailer {
namespace {

TEST(FormatMessageTest, HttpokLayoutIsByteExact) {
  Message m;
  m.to = "chrism@plope.com";
  m.subject = "httpok: http://foo/bar: bad status returned";
  m.body = "error contacting http://foo/bar:\n\n foo\nfoo restarted";
  EXPECT_EQ(FormatMessage(m),
            "To: chrism@plope.com\n"
            "Subject: httpok: http://foo/bar: bad status returned\n"
            "\n"
            "error contacting http://foo/bar:\n\n foo\nfoo restarted");
}

TEST(FormatMessageTest, EmptyMessageStillHasBothHeaders) {
  EXPECT_EQ(FormatMessage(Message{}), "To: \nSubject: \n\n");
}

TEST(FormatMessageTest, OptionalHeadersInOrder) {
  Message m;
  m.to = "ops@example.com";
  m.subject = "s";
  m.body = "b\n";
  m.from = "httpok@example.com";
  m.date = absl::FromCivil(absl::CivilSecond(2026, 2, 5, 10, 0, 0),
                           absl::UTCTimeZone());
  m.message_id = "<1.2@example.com>";
  EXPECT_EQ(FormatMessage(m),
            "From: httpok@example.com\n"
            "To: ops@example.com\n"
            "Subject: s\n"
            "Date: Thu, 05 Feb 2026 10:00:00 +0000\n"
            "Message-ID: <1.2@example.com>\n"
            "\n"
            "b\n");
}

TEST(FormatMessageTest, DateIsUtcWithZeroPaddedFields) {
  Message m;
  // 2024-12-31 23:59:59 in UTC+1 is 22:59:59 UTC, a Tuesday.
  m.date = absl::FromCivil(absl::CivilSecond(2024, 12, 31, 23, 59, 59),
                           absl::FixedTimeZone(3600));
  EXPECT_EQ(FormatMessage(m),
            "To: \nSubject: \nDate: Tue, 31 Dec 2024 22:59:59 +0000\n\n");
  m.date = absl::FromCivil(absl::CivilSecond(2000, 1, 2, 3, 4, 5),
                           absl::UTCTimeZone());
  EXPECT_EQ(FormatMessage(m),
            "To: \nSubject: \nDate: Sun, 02 Jan 2000 03:04:05 +0000\n\n");
}

TEST(FormatMessageTest, HeaderInjectionIsNeutralised) {
  Message m;
  m.to = "ops@example.com\r\nBcc: x@evil.example";
  m.subject = "down\r\nBcc: y@evil.example\nX: z";
  m.from = "a@example.com\nBcc: f@evil.example";
  m.message_id = "<id@x>\rBcc: m@evil.example";
  m.body = "body";
  EXPECT_EQ(FormatMessage(m),
            "From: a@example.com Bcc: f@evil.example\n"
            "To: ops@example.com  Bcc: x@evil.example\n"
            "Subject: down  Bcc: y@evil.example X: z\n"
            "Message-ID: <id@x> Bcc: m@evil.example\n"
            "\n"
            "body");
}

TEST(FormatMessageTest, NonAsciiSubjectIsEncodedAndInjectionStillNeutralised) {
  Message m;
  m.to = "ops@example.com";
  m.subject = "Caf\xc3\xa9\r\nBcc: x";
  // "Café  Bcc: x" in UTF-8, base64.
  EXPECT_EQ(FormatMessage(m),
            "To: ops@example.com\n"
            "Subject: =?UTF-8?B?Q2Fmw6kgIEJjYzogeA==?=\n"
            "\n");
}

TEST(FormatMessageTest, DateZoneGivesLocalTimeAndNumericOffset) {
  const absl::Time time = absl::FromCivil(absl::CivilSecond(2026, 12, 1, 13, 30, 5),
                                          absl::UTCTimeZone());
  Message m;
  m.date = time;
  m.date_zone = absl::FixedTimeZone(3600);
  EXPECT_EQ(FormatMessage(m),
            "To: \nSubject: \nDate: Tue, 01 Dec 2026 14:30:05 +0100\n\n");
  m.date_zone = absl::FixedTimeZone(5 * 3600 + 30 * 60);
  EXPECT_EQ(FormatMessage(m),
            "To: \nSubject: \nDate: Tue, 01 Dec 2026 19:00:05 +0530\n\n");
  // The local date may fall on the day before.
  m.date = absl::FromCivil(absl::CivilSecond(2026, 12, 1, 3, 0, 0),
                           absl::UTCTimeZone());
  m.date_zone = absl::FixedTimeZone(-5 * 3600);
  EXPECT_EQ(FormatMessage(m),
            "To: \nSubject: \nDate: Mon, 30 Nov 2026 22:00:00 -0500\n\n");
  m.date_zone = absl::UTCTimeZone();
  EXPECT_EQ(FormatMessage(m),
            "To: \nSubject: \nDate: Tue, 01 Dec 2026 03:00:00 +0000\n\n");
}

TEST(FormatMessageTest, MimeTextPlainAsciiIs7bitInPythonsHeaderOrder) {
  Message m;
  m.mime_text_plain = true;
  m.to = "a@x, b@y";
  m.from = "sv@z";
  m.subject = "Crash alert from supervisord";
  m.date = absl::FromCivil(absl::CivilSecond(2026, 12, 1, 13, 32, 51),
                           absl::UTCTimeZone());
  m.message_id = "<179613197172.1075.7139388028312435860@localhost>";
  m.body =
      "2026-12-01 13:32:51,728 -- Process cat:cat (pid 2766) died unexpectedly\n"
      "2026-12-01 13:32:51,728 -- Process web:w_01 (pid 77) died unexpectedly";
  EXPECT_EQ(FormatMessage(m),
            "Content-Type: text/plain; charset=\"us-ascii\"\n"
            "MIME-Version: 1.0\n"
            "Content-Transfer-Encoding: 7bit\n"
            "Subject: Crash alert from supervisord\n"
            "From: sv@z\n"
            "To: a@x, b@y\n"
            "Date: Tue, 01 Dec 2026 13:32:51 +0000\n"
            "Message-ID: <179613197172.1075.7139388028312435860@localhost>\n"
            "\n"
            "2026-12-01 13:32:51,728 -- Process cat:cat (pid 2766) died unexpectedly\n"
            "2026-12-01 13:32:51,728 -- Process web:w_01 (pid 77) died unexpectedly");
}

TEST(FormatMessageTest, MimeTextPlainLeavesOutAnEmptySubjectAndFrom) {
  Message m;
  m.mime_text_plain = true;
  m.to = "ops@x";
  m.body = "b";
  EXPECT_EQ(FormatMessage(m),
            "Content-Type: text/plain; charset=\"us-ascii\"\n"
            "MIME-Version: 1.0\n"
            "Content-Transfer-Encoding: 7bit\n"
            "To: ops@x\n"
            "\n"
            "b");
}

TEST(FormatMessageTest, MimeTextPlainNonAsciiBodyIsBase64In76CharacterLines) {
  Message m;
  m.mime_text_plain = true;
  m.to = "ops@x";
  m.subject = "Crash alert";
  m.body = "2026-12-01 13:32:55,953 -- Process g:caf\xc3\xa9 (pid 2766) died unexpectedly";
  EXPECT_EQ(FormatMessage(m),
            "Content-Type: text/plain; charset=\"utf-8\"\n"
            "MIME-Version: 1.0\n"
            "Content-Transfer-Encoding: base64\n"
            "Subject: Crash alert\n"
            "To: ops@x\n"
            "\n"
            "MjAyNi0xMi0wMSAxMzozMjo1NSw5NTMgLS0gUHJvY2VzcyBnOmNhZsOpIChwaWQgMjc2NikgZGll\n"
            "ZCB1bmV4cGVjdGVkbHk=\n");
}

TEST(FormatMessageTest, MimeTextPlainBase64OfExactlyOneLineEndsInOneNewline) {
  Message m;
  m.mime_text_plain = true;
  // 57 bytes are exactly 76 base64 characters.
  m.body = std::string(56, 'a') + "\xff";
  const std::string text = FormatMessage(m);
  const std::string body = text.substr(text.find("\n\n") + 2);
  EXPECT_EQ(body, absl::Base64Escape(m.body) + "\n");
  EXPECT_EQ(body.size(), 77u);
}

TEST(FormatMessageTest, MimeTextPlainHeadersAreSanitizedAndTheSubjectEncoded) {
  Message m;
  m.mime_text_plain = true;
  m.to = "ops@x\nBcc: x@evil.example";
  m.from = "sv@z\rBcc: f@evil.example";
  m.subject = "Caf\xc3\xa9\r\nBcc: x";
  m.message_id = "<id@x>\nBcc: m@evil.example";
  m.date = absl::FromCivil(absl::CivilSecond(2026, 12, 1, 13, 30, 5),
                           absl::UTCTimeZone());
  m.date_zone = absl::FixedTimeZone(3600);
  m.body = "line\r\n";
  EXPECT_EQ(FormatMessage(m),
            "Content-Type: text/plain; charset=\"us-ascii\"\n"
            "MIME-Version: 1.0\n"
            "Content-Transfer-Encoding: 7bit\n"
            "Subject: =?UTF-8?B?Q2Fmw6kgIEJjYzogeA==?=\n"
            "From: sv@z Bcc: f@evil.example\n"
            "To: ops@x Bcc: x@evil.example\n"
            "Date: Tue, 01 Dec 2026 14:30:05 +0100\n"
            "Message-ID: <id@x> Bcc: m@evil.example\n"
            "\n"
            "line\r\n");
}

TEST(PythonStyleMessageIdTest, CentisecondsPidRandomAndDomain) {
  EXPECT_EQ(PythonStyleMessageId(absl::FromUnixMillis(1796131971720), 1075,
                                 7139388028312435860u, "localhost"),
            "<179613197172.1075.7139388028312435860@localhost>");
  // Centiseconds are rounded down, never up.
  EXPECT_EQ(PythonStyleMessageId(absl::FromUnixMicros(1796131971729999), 1, 0,
                                 "h.example"),
            "<179613197172.1.0@h.example>");
  EXPECT_EQ(PythonStyleMessageId(absl::UnixEpoch(), 0, 18446744073709551615u, "d"),
            "<0.0.18446744073709551615@d>");
  EXPECT_EQ(PythonStyleMessageId(absl::UnixEpoch() - absl::Milliseconds(1), 2, 3, "d"),
            "<-1.2.3@d>");
}

TEST(SanitizeHeaderValueTest, ReplacesEachCrAndLfWithASpace) {
  EXPECT_EQ(SanitizeHeaderValue(""), "");
  EXPECT_EQ(SanitizeHeaderValue("plain"), "plain");
  EXPECT_EQ(SanitizeHeaderValue("a\r\nb\nc\rd"), "a  b c d");
  EXPECT_EQ(SanitizeHeaderValue("\n"), " ");
}

struct EncodeCase {
  std::string input;
  std::string expected;
};

class EncodeHeaderWordTest : public ::testing::TestWithParam<EncodeCase> {};

TEST_P(EncodeHeaderWordTest, Encodes) {
  EXPECT_EQ(EncodeHeaderWord(GetParam().input), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, EncodeHeaderWordTest,
    ::testing::Values(
        EncodeCase{"", ""},
        EncodeCase{"plain ASCII: ok\twith tab", "plain ASCII: ok\twith tab"},
        EncodeCase{"Caf\xc3\xa9", "=?UTF-8?B?Q2Fmw6k=?="},
        // U+2717 BALLOT X.
        EncodeCase{"httpok: \xe2\x9c\x97 down",
                   "=?UTF-8?B?aHR0cG9rOiDinJcgZG93bg==?="},
        // A control character is not printable ASCII.
        EncodeCase{"a\x01", "=?UTF-8?B?YQE=?="},
        // 30 x U+00E9 (60 bytes): 22 characters (44 bytes) fit in one word,
        // the 23rd would cut the 45-byte limit in half.
        EncodeCase{
            [] {
              std::string s;
              for (int i = 0; i < 30; ++i) s += "\xc3\xa9";
              return s;
            }(),
            "=?UTF-8?B?"
            "w6nDqcOpw6nDqcOpw6nDqcOpw6nDqcOpw6nDqcOpw6nDqcOpw6nDqcOpw6k=?="
            "\n =?UTF-8?B?w6nDqcOpw6nDqcOpw6nDqQ==?="},
        // Invalid UTF-8 is encoded byte for byte.
        EncodeCase{"\xff\xc3", "=?UTF-8?B?/8M=?="}));

TEST(EncodeHeaderWordTest, InvalidSequencesMaySplitBetweenTheirBytes) {
  // 44 ASCII bytes, then an encoded surrogate (not UTF-8): only whole code
  // points are kept together, so its bytes may go to different words.
  const std::string value = std::string(44, 'a') + "\xed\xa0\x80";
  const std::string encoded = EncodeHeaderWord(value);
  const size_t fold = encoded.find("\n ");
  ASSERT_NE(fold, std::string::npos) << encoded;
  std::string first;
  std::string second;
  ASSERT_TRUE(absl::Base64Unescape(encoded.substr(10, fold - 12), &first)) << encoded;
  ASSERT_TRUE(absl::Base64Unescape(encoded.substr(fold + 12, encoded.size() - fold - 14), &second))
      << encoded;
  EXPECT_EQ(first, std::string(44, 'a') + "\xed");
  EXPECT_EQ(second, "\xa0\x80");
}

TEST(EncodeHeaderWordTest, NoEncodedWordExceeds75Characters) {
  std::string subject;
  for (int i = 0; i < 200; ++i) subject += (i % 3 == 0) ? "\xe2\x9c\x97" : "x";
  const std::string encoded = EncodeHeaderWord(subject);
  size_t start = 0;
  int words = 0;
  while (start <= encoded.size()) {
    size_t end = encoded.find("\n ", start);
    if (end == std::string::npos) end = encoded.size();
    const std::string word = encoded.substr(start, end - start);
    EXPECT_LE(word.size(), 75u) << word;
    EXPECT_EQ(word.rfind("=?UTF-8?B?", 0), 0u) << word;
    ++words;
    start = end + 2;
  }
  EXPECT_GT(words, 1);
}

}  // namespace
}  // namespace mailer
}  // namespace svl
