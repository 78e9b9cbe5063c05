// Judging a mutation from the listing afterwards: exact state up to WHM's normalisation, and
// the three verdicts of reconciliation.

#include "daemon/enforce/confirm.h"

#include <gtest/gtest.h>

#include "daemon/audit/events.h"
#include "daemon/enforce/reconcile.h"

namespace tw::enforce {
namespace {

policy::Token listed(std::set<std::string> acls, std::optional<policy::EpochSeconds> expires,
                     std::optional<std::vector<std::string>> ips) {
  policy::Token token;
  token.name = "svc";
  token.create_time = 1'700'000'000;
  token.acls.full_access = false;
  token.acls.names = std::move(acls);
  token.expires_at = expires;
  token.whitelist_ips = std::move(ips);
  return token;
}

policy::IntendedState intended(std::vector<std::string> acls,
                               std::optional<policy::EpochSeconds> expires,
                               std::optional<std::vector<std::string>> ips) {
  policy::IntendedState state;
  state.acls = std::move(acls);
  state.expires_at = expires;
  state.whitelist_ips = std::move(ips);
  return state;
}

TEST(HasIntendedState, ComparesUpToWhmNormalisation) {
  const auto observed = listed({"acct-summary", "list-accts"}, 1'800'000'000,
                               std::vector<std::string>{"192.0.2.7",
                                                        "2001:0db8:0000:0000:0000:"
                                                        "0000:0000:0000/32"});
  EXPECT_TRUE(has_intended_state(
      observed, intended({"list-accts", "acct-summary"}, 1'800'000'000,
                         std::vector<std::string>{"2001:db8::/32", "192.0.2.7/32"})));
}

TEST(HasIntendedState, AnyDifferenceIsNotTheIntendedState) {
  const auto observed =
      listed({"list-accts"}, 1'800'000'000, std::vector<std::string>{"192.0.2.0/24"});
  const std::vector<std::string> net{"192.0.2.0/24"};
  EXPECT_TRUE(has_intended_state(observed, intended({"list-accts"}, 1'800'000'000, net)));
  EXPECT_FALSE(
      has_intended_state(observed, intended({"list-accts", "passwd"}, 1'800'000'000, net)));
  EXPECT_FALSE(has_intended_state(observed, intended({"list-accts"}, 1'800'000'001, net)));
  EXPECT_FALSE(has_intended_state(observed, intended({"list-accts"}, std::nullopt, net)));
  EXPECT_FALSE(has_intended_state(observed, intended({"list-accts"}, 1'800'000'000, std::nullopt)));
  EXPECT_FALSE(has_intended_state(
      observed, intended({"list-accts"}, 1'800'000'000, std::vector<std::string>{"192.0.2.0/25"})));
  auto full = observed;
  full.acls.full_access = true;
  EXPECT_FALSE(has_intended_state(full, intended({"list-accts"}, 1'800'000'000, net)));
  EXPECT_TRUE(has_intended_state(full, intended({"all"}, 1'800'000'000, net)));
  EXPECT_FALSE(has_intended_state(observed, intended({"all"}, 1'800'000'000, net)));
}

audit::OpenIntent intent_for(const policy::PlannedAction& action) {
  const auto event = audit::mutation_intent("s", "h", action);
  audit::OpenIntent intent;
  intent.seq = 7;
  intent.host = action.host;
  intent.user = action.user;
  intent.token = action.token;
  intent.action = event.data.at("action").as_string();
  intent.before = event.data.at("before");
  intent.after = event.data.at("after");
  return intent;
}

TEST(Classify, RevokeAppliedWhenTheTokenIsGone) {
  policy::PlannedAction action;
  action.host = "whm1";
  action.user = "root";
  action.token = "svc";
  action.kind = policy::ActionKind::revoke;
  action.before = listed({"list-accts"}, 1'600'000'000, std::nullopt);
  const auto intent = intent_for(action);
  EXPECT_EQ(classify(intent, std::nullopt), audit::ReconcileResult::applied);
  EXPECT_EQ(classify(intent, action.before), audit::ReconcileResult::not_applied);
  auto changed = action.before;
  changed.expires_at = 1'900'000'000;
  EXPECT_EQ(classify(intent, changed), audit::ReconcileResult::diverged);
}

TEST(Classify, UpdateAppliedWhenTheListingShowsTheIntendedState) {
  policy::PlannedAction action;
  action.host = "whm1";
  action.user = "root";
  action.token = "svc";
  action.kind = policy::ActionKind::update;
  action.before = listed({"list-accts", "passwd"}, std::nullopt, std::nullopt);
  action.after = intended({"list-accts"}, 1'800'000'000, std::nullopt);
  const auto intent = intent_for(action);
  EXPECT_EQ(classify(intent, listed({"list-accts"}, 1'800'000'000, std::nullopt)),
            audit::ReconcileResult::applied);
  EXPECT_EQ(classify(intent, action.before), audit::ReconcileResult::not_applied);
  EXPECT_EQ(classify(intent, std::nullopt), audit::ReconcileResult::diverged);
  EXPECT_EQ(classify(intent, listed({"list-accts"}, 1'800'000'009, std::nullopt)),
            audit::ReconcileResult::diverged);
}

}  // namespace
}  // namespace tw::enforce
