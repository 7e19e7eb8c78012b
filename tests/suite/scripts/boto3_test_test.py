"""boto3 against `pat-conformance serve`, configured as for LocalStack: access key
`test`, secret `test`, no session token; CodeCatalyst's bearer token from
AWS_BEARER_TOKEN_CODECATALYST. Every operation of both services, the destructive
WorkMail delete included, then the reset endpoint brings the deleted token back.
Prints `ok` last; any failure raises."""

import json
import os
import sys
import urllib.request

import boto3
from botocore.exceptions import ClientError

url, profile_path = sys.argv[1], sys.argv[2]
vars = json.load(open(profile_path))["vars"]
org = vars["workmail_organization_id"]
disposable_org = vars["workmail_disposable_organization_id"]
disposable = vars["workmail_disposable_token_id"]

session = boto3.session.Session(
    aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
)
wm = session.client("workmail", endpoint_url=url)
listed = wm.list_personal_access_tokens(OrganizationId=org)["PersonalAccessTokenSummaries"]
assert listed, "ListPersonalAccessTokens lists the seeded tokens"
first = listed[0]["PersonalAccessTokenId"]
meta = wm.get_personal_access_token_metadata(OrganizationId=org, PersonalAccessTokenId=first)
assert meta["PersonalAccessTokenId"] == first


def gone():
    try:
        wm.get_personal_access_token_metadata(
            OrganizationId=disposable_org, PersonalAccessTokenId=disposable
        )
        return False
    except ClientError as e:
        assert e.response["Error"]["Code"] == "ResourceNotFoundException", e.response
        return True


assert not gone(), "the disposable token exists before the delete"
wm.delete_personal_access_token(OrganizationId=disposable_org, PersonalAccessTokenId=disposable)
assert gone(), "DeletePersonalAccessToken deleted it"
reset = urllib.request.Request(url + "/_pat-conformance/reset", method="POST", data=b"")
assert json.load(urllib.request.urlopen(reset)) == {"reset": True}
assert not gone(), "the reset brought the disposable token back"

os.environ["AWS_BEARER_TOKEN_CODECATALYST"] = "test"
cc = boto3.session.Session(region_name="us-east-1").client("codecatalyst", endpoint_url=url)
created = cc.create_access_token(name="boto3-test-test")
assert created["secret"] and created["name"] == "boto3-test-test"
ids = [t["id"] for t in cc.list_access_tokens()["items"]]
assert created["accessTokenId"] in ids, ids
cc.delete_access_token(id=created["accessTokenId"])
assert created["accessTokenId"] not in [t["id"] for t in cc.list_access_tokens()["items"]]
print("ok")
