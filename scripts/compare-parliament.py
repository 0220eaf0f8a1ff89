#!/usr/bin/env python3
"""What Parliament (PyPI `parliament`, measured with 1.6.4) reports for one small policy per row of
docs/checks.md: prints `case<TAB>Parliament findings`. The Parliament column there is this output.

Usage: python3 -m venv /tmp/parl && /tmp/parl/bin/pip install parliament==1.6.4 &&
       /tmp/parl/bin/python scripts/compare-parliament.py
"""
import json, sys
from parliament import analyze_policy_string
cases = {
 "E0004 bad json": '{"Version": "2012-10-17", "Statement": [',
 "E0006 duplicate key": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Effect":"Deny","Action":"s3:GetObject","Resource":"*"}]}',
 "E0005 unknown element": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Actions":"s3:GetObject","Resource":"*"}]}',
 "E0701 version": '{"Version":"2012-10-18","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}',
 "W0701 vars old version": '{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}]}',
 "E0702 empty statement": '{"Version":"2012-10-17","Statement":[]}',
 "E0703 effect": '{"Version":"2012-10-17","Statement":[{"Effect":"allow","Action":"s3:GetObject","Resource":"*"}]}',
 "E0704 action+notaction": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","NotAction":"s3:PutObject","Resource":"*"}]}',
 "E0705 no resource": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}',
 "E0706 principal in identity": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}',
 "E0205 sid": '{"Version":"2012-10-17","Statement":[{"Sid":"a b","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}',
 "E0207 dup sid": '{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Sid":"A","Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}',
 "E0202 action shape": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3GetObject","Resource":"*"}]}',
 "E0203 arn region s3": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:eu-west-1::b/*"}]}',
 "E0203 not arn": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"my-bucket"}]}',
 "E0707 operator": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEqualz":{"aws:username":"a"}}}]}',
 "E0206 cidr": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/33"}}}]}',
 "E0206 date": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2027-13-01"}}}]}',
 "W0101 unknown action": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObjekt","Resource":"*"}]}',
 "W0101 unknown service": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s4:GetObject","Resource":"*"}]}',
 "W0201 resource mismatch": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket"}]}',
 "W0202 unknown key": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"s3:prefixx":"a"}}}]}',
 "W0703 type mismatch": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceIp":"10.0.0.1"}}}]}',
 "W0704 set op single": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:username":"a"}}}]}',
 "W0702 notprincipal allow": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}',
 "W0503 key never": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringLike":{"s3:prefix":"a/*"}}}]}',
}
for name, text in cases.items():
    try:
        p = analyze_policy_string(text)
        found = sorted({f.issue for f in p.findings})
    except Exception as e:
        found = ["exception: " + type(e).__name__]
    print(f"{name}\t{', '.join(found) or '—'}")
