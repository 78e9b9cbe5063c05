#include "daemon/whm/form_params.h"

#include <gtest/gtest.h>

namespace tw::whm {
namespace {

TEST(FormParams, EncodesReservedCharacters) {
  EXPECT_EQ(percent_encode("a-b_c.d~e"), "a-b_c.d~e");
  EXPECT_EQ(percent_encode("2001:db8::/32"), "2001%3Adb8%3A%3A%2F32");
  EXPECT_EQ(percent_encode("a b&c=d\n"), "a%20b%26c%3Dd%0A");
  EXPECT_EQ(percent_encode("\xc3\xa9"), "%C3%A9");
}

TEST(FormParams, NumbersMultiValuedParameters) {
  FormParams params;
  params.add("token_name", "ci");
  params.add_list("acl", {"list-accts", "create-acct"});
  params.add_list("whitelist_ip", {"192.0.2.0/24"});
  EXPECT_EQ(params.encode(),
            "token_name=ci&acl-0=list-accts&acl-1=create-acct&whitelist_ip-0=192.0.2.0%2F24");
}

TEST(FormParams, EmptyListAddsNothing) {
  FormParams params;
  params.add_list("acl", {});
  EXPECT_EQ(params.encode(), "");
}

}  // namespace
}  // namespace tw::whm
