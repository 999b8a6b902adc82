#include "kit/listener_options.h"

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace kit {
namespace {

using ::svl::testing::IsOk;
using ::svl::testing::IsOkAndHolds;
using ::svl::testing::StatusIs;

TEST(ParseMaxRestartsTest, AcceptsPositiveCounts) {
  EXPECT_THAT(ParseMaxRestarts("1"), IsOkAndHolds(1));
  EXPECT_THAT(ParseMaxRestarts(" 4"), IsOkAndHolds(4));
}

TEST(ParseMaxRestartsTest, ZeroSaysHowToMeanNoLimit) {
  EXPECT_THAT(ParseMaxRestarts("0"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "'0' is not an integer >= 1 (leave --max-restarts out for no limit)"));
  EXPECT_THAT(ParseMaxRestarts("-2"),
              StatusIs(absl::StatusCode::kInvalidArgument, "'-2' is not an integer >= 1"));
  EXPECT_THAT(ParseMaxRestarts("x"),
              StatusIs(absl::StatusCode::kInvalidArgument, "'x' is not an integer >= 1"));
}

TEST(CheckSmtpUrlTest, AcceptsSmtpAndSmtpsInAnyCase) {
  EXPECT_THAT(CheckSmtpUrl("smtp://mail:25"), IsOk());
  EXPECT_THAT(CheckSmtpUrl("SMTPS://mail"), IsOk());
}

TEST(CheckSmtpUrlTest, RejectsOtherSchemesWithThePasswordRedacted) {
  EXPECT_THAT(CheckSmtpUrl("ftp://u:pw@m"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "'ftp://***@m' is not an smtp:// or smtps:// URL"));
  // One line whatever the value holds: it is quoted as Python's repr().
  EXPECT_THAT(CheckSmtpUrl("smtp://m\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "'smtp://m\\n' is not an smtp:// or smtps:// URL"));
  EXPECT_THAT(ParseLogFormatOption("x\ny"),
              StatusIs(absl::StatusCode::kInvalidArgument, "'x\\ny' is not text or json"));
}

TEST(SetSmtpOptionTest, StoresAnAcceptedValueOrNamesTheOption) {
  std::string url = "before";
  EXPECT_THAT(SetSmtpUrlOption("--smtp", "smtp://mail:25", &url), IsOk());
  EXPECT_EQ(url, "smtp://mail:25");
  EXPECT_THAT(SetSmtpUrlOption("--sm", "ftp://m", &url),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "option --sm: 'ftp://m' is not an smtp:// or smtps:// URL"));
  EXPECT_EQ(url, "smtp://mail:25");
  std::string password = "before";
  EXPECT_THAT(SetSmtpPasswordOption("--smtp-password", "s3cret", &password), IsOk());
  EXPECT_EQ(password, "s3cret");
  EXPECT_THAT(SetSmtpPasswordOption("--smtp-password", "a\nb", &password),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "option --smtp-password: control character in value"));
  EXPECT_EQ(password, "s3cret");
}

TEST(CheckSmtpPasswordTest, RejectsControlCharactersWithoutQuotingTheValue) {
  EXPECT_THAT(CheckSmtpPassword(""), IsOk());
  EXPECT_THAT(CheckSmtpPassword("p w"), IsOk());
  EXPECT_THAT(CheckSmtpPassword("s3cret\r"),
              StatusIs(absl::StatusCode::kInvalidArgument, "control character in value"));
}

TEST(ParseLogFormatOptionTest, TextOrJson) {
  EXPECT_THAT(ParseLogFormatOption("text"), IsOkAndHolds(LogFormat::kText));
  EXPECT_THAT(ParseLogFormatOption("json"), IsOkAndHolds(LogFormat::kJson));
  EXPECT_THAT(ParseLogFormatOption("xml"),
              StatusIs(absl::StatusCode::kInvalidArgument, "'xml' is not text or json"));
}

TEST(CheckPolicyOptionSetTest, WindowAndMaxRestartsGoTogether) {
  PolicyOptions policy;
  EXPECT_THAT(CheckPolicyOptionSet(policy), IsOk());
  policy.restart_window = absl::Seconds(60);
  EXPECT_THAT(CheckPolicyOptionSet(policy),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "option --restart-window needs --max-restarts"));
  policy.max_restarts = 3;
  EXPECT_THAT(CheckPolicyOptionSet(policy), IsOk());
  policy.restart_window = absl::ZeroDuration();
  EXPECT_THAT(CheckPolicyOptionSet(policy),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "--restart-window must be positive with --max-restarts"));
}

TEST(CheckSmtpOptionSetTest, FirstMissingPartIsNamed) {
  EXPECT_THAT(CheckSmtpOptionSet("", "", "", ""), IsOk());
  EXPECT_THAT(CheckSmtpOptionSet("smtp://m", "a@b", "", ""), IsOk());
  EXPECT_THAT(CheckSmtpOptionSet("smtp://m", "a@b", "u", "p"), IsOk());
  EXPECT_THAT(CheckSmtpOptionSet("smtp://m", "", "", ""),
              StatusIs(absl::StatusCode::kInvalidArgument, "option --smtp needs --mail-from"));
  EXPECT_THAT(CheckSmtpOptionSet("", "a@b", "", ""),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "options --mail-from, --smtp-user and --smtp-password need --smtp"));
  EXPECT_THAT(CheckSmtpOptionSet("", "", "", "p"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "options --mail-from, --smtp-user and --smtp-password need --smtp"));
  EXPECT_THAT(CheckSmtpOptionSet("smtp://m", "a@b", "", "p"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "option --smtp-password needs --smtp-user"));
}

TEST(SmtpSecretFormsTest, ThePasswordAndWhatAuthSends) {
  EXPECT_TRUE(SmtpSecretForms("bob", "").empty());
  // base64("\0bob\0EnvSecretPW") is what a server may quote back.
  EXPECT_EQ(SmtpSecretForms("bob", "EnvSecretPW"),
            (std::vector<std::string>{"EnvSecretPW", "RW52U2VjcmV0UFc=",
                                      "AGJvYgBFbnZTZWNyZXRQVw==",
                                      "Ym9iAGJvYgBFbnZTZWNyZXRQVw=="}));
}

}  // namespace
}  // namespace kit
}  // namespace svl
