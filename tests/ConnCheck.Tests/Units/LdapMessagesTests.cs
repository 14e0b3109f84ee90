using System.Formats.Asn1;
using ConnCheck.Checks.Engine;

namespace ConnCheck.Tests.Units;

/// <summary>The ldap check's BER messages, in process: bytes as RFC 4511 lays them out, replies decoded, framing bounded.</summary>
public sealed class LdapMessagesTests
{
    [Fact]
    public void Requests_are_encoded_as_rfc_4511_lays_them_out()
    {
        Assert.Equal(Convert.FromHexString("3012020101600d0201030404636e3d6180027077"), LdapMessages.BindRequest(1, "cn=a", "pw"));
        Assert.Equal(Convert.FromHexString("3005020103" + "4200"), LdapMessages.UnbindRequest(3));
        Assert.Equal(Convert.FromHexString("301d02010177188016" + Convert.ToHexString("1.3.6.1.4.1.1466.20037"u8)), LdapMessages.ExtendedRequest(1, LdapMessages.StartTlsOid));
    }

    [Fact]
    public void A_search_request_carries_base_scope_limit_filter_and_no_attributes()
    {
        var bytes = LdapMessages.SearchRequest(7, "dc=x", "(&(objectClass=*)(!(cn=a*b*c))(uid>=5)(cn=\\2a))", 9);

        var message = new AsnReader(bytes, AsnEncodingRules.BER).ReadSequence();
        Assert.True(message.TryReadInt32(out var id) && id == 7);
        var search = message.ReadSequence(new Asn1Tag(TagClass.Application, 3, isConstructed: true));
        Assert.Equal("dc=x"u8.ToArray(), search.ReadOctetString());
        Assert.Equal([2], search.ReadEnumeratedBytes().ToArray());
        Assert.Equal([0], search.ReadEnumeratedBytes().ToArray());
        Assert.True(search.TryReadInt32(out var sizeLimit) && sizeLimit == 1);
        Assert.True(search.TryReadInt32(out var timeLimit) && timeLimit == 9);
        Assert.False(search.ReadBoolean());
        var and = search.ReadSetOf(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
        Assert.Equal("objectClass"u8.ToArray(), and.ReadOctetString(new Asn1Tag(TagClass.ContextSpecific, 7)));
        var substrings = and.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 2, isConstructed: true)).ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 4, isConstructed: true));
        Assert.Equal("cn"u8.ToArray(), substrings.ReadOctetString());
        var parts = substrings.ReadSequence();
        Assert.Equal("a"u8.ToArray(), parts.ReadOctetString(new Asn1Tag(TagClass.ContextSpecific, 0)));
        Assert.Equal("b"u8.ToArray(), parts.ReadOctetString(new Asn1Tag(TagClass.ContextSpecific, 1)));
        Assert.Equal("c"u8.ToArray(), parts.ReadOctetString(new Asn1Tag(TagClass.ContextSpecific, 2)));
        var greater = and.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 5, isConstructed: true));
        Assert.Equal("uid"u8.ToArray(), greater.ReadOctetString());
        Assert.Equal("5"u8.ToArray(), greater.ReadOctetString());
        var equal = and.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 3, isConstructed: true));
        Assert.Equal("cn"u8.ToArray(), equal.ReadOctetString());
        Assert.Equal("*"u8.ToArray(), equal.ReadOctetString());
        Assert.False(and.HasData);
        var attributes = search.ReadSequence();
        Assert.Equal("1.1"u8.ToArray(), attributes.ReadOctetString());
        Assert.False(search.HasData);
    }

    [Theory]
    [InlineData("(cn=a", "invalid LDAP filter '(cn=a' at position 6: expected ')'")]
    [InlineData("(=a)", "invalid LDAP filter '(=a)' at position 2: expected an attribute name")]
    [InlineData("(cn:dn:=a)", "invalid LDAP filter '(cn:dn:=a)' at position 4: no extensible match (:=): this check does not support it")]
    [InlineData("(cn=\\zz)", "invalid LDAP filter '(cn=\\zz)' at position 8: expected two hex digits after '\\'")]
    [InlineData("(cn=a))", "invalid LDAP filter '(cn=a))' at position 7: text after the end of the filter")]
    public void Bad_filters_say_where(string filter, string error) => Assert.Equal(error, LdapMessages.FilterError(filter));

    [Theory]
    [InlineData("(objectClass=*)")]
    [InlineData("cn=a")]
    [InlineData("(|(cn=a)(sn~=b)(uid<=9))")]
    public void Good_filters_have_no_error(string filter) => Assert.Null(LdapMessages.FilterError(filter));

    [Fact]
    public void Replies_round_trip_through_the_decoder()
    {
        var bind = Reply(2, 1, w => Result(w, 49, "", "bad password"));
        var done = Reply(3, 5, w => Result(w, 32, "dc=x", ""));
        var entry = Reply(3, 4, w =>
        {
            w.WriteOctetString("ou=people,dc=x"u8);
            using (w.PushSequence())
            {
            }
        });
        var notice = Reply(0, 24, w =>
        {
            Result(w, 52, "", "shutting down");
            w.WriteOctetString("1.3.6.1.4.1.1466.20036"u8, new Asn1Tag(TagClass.ContextSpecific, 10));
        });

        Assert.Equal(new LdapReply(2, 1, 49, "", "bad password"), LdapMessages.Parse(bind));
        Assert.Equal(new LdapReply(3, 5, 32, "dc=x", ""), LdapMessages.Parse(done));
        Assert.Equal(new LdapReply(3, 4, EntryDn: "ou=people,dc=x"), LdapMessages.Parse(entry));
        Assert.Equal(new LdapReply(0, 24, 52, "", "shutting down", ResponseName: LdapMessages.NoticeOfDisconnectionOid), LdapMessages.Parse(notice));
        Assert.Equal(bind.Length, LdapMessages.MessageLength(bind, 1024));
        Assert.Equal(bind.Length, LdapMessages.MessageLength([.. bind, 0x30, 0x01], 1024));
    }

    [Fact]
    public void Framing_waits_for_a_whole_header_and_refuses_what_is_not_ldap_or_too_big()
    {
        Assert.Null(LdapMessages.MessageLength([], 1024));
        Assert.Null(LdapMessages.MessageLength([0x30], 1024));
        Assert.Null(LdapMessages.MessageLength([0x30, 0x82, 0x01], 1024));
        Assert.Equal(4 + 0x100, LdapMessages.MessageLength([0x30, 0x82, 0x01, 0x00], 1024));
        Assert.Equal("it does not start with a BER SEQUENCE", Assert.Throws<LdapProtocolException>(() => LdapMessages.MessageLength("HTTP"u8, 1024)).Message);
        Assert.Equal("indefinite length, which LDAP does not allow", Assert.Throws<LdapProtocolException>(() => LdapMessages.MessageLength([0x30, 0x80], 1024)).Message);
        Assert.Equal("a reply of 1026 bytes, over the 1024-byte limit", Assert.Throws<LdapProtocolException>(() => LdapMessages.MessageLength([0x30, 0x82, 0x03, 0xfe], 1024)).Message);
        Assert.Equal("a reply of 2147483653 bytes, over the 1024-byte limit", Assert.Throws<LdapProtocolException>(() => LdapMessages.MessageLength([0x30, 0x84, 0x7f, 0xff, 0xff, 0xff], 1024)).Message);
        Assert.StartsWith("malformed BER", Assert.Throws<LdapProtocolException>(() => LdapMessages.Parse(new byte[] { 0x30, 0x03, 0x02, 0x05, 0x01 })).Message);
        Assert.Equal("a protocol op that is not [APPLICATION n] (OctetString)", Assert.Throws<LdapProtocolException>(() => LdapMessages.Parse(new byte[] { 0x30, 0x05, 0x02, 0x01, 0x01, 0x04, 0x00 })).Message);
    }

    [Fact]
    public void Result_codes_are_named()
    {
        Assert.Equal("49 invalidCredentials", LdapMessages.ResultName(49));
        Assert.Equal("32 noSuchObject", LdapMessages.ResultName(32));
        Assert.Equal("123", LdapMessages.ResultName(123));
    }

    private static void Result(AsnWriter w, int code, string matched, string diagnostic)
    {
        w.WriteEnumeratedValue((ResultCode)code);
        w.WriteOctetString(System.Text.Encoding.UTF8.GetBytes(matched));
        w.WriteOctetString(System.Text.Encoding.UTF8.GetBytes(diagnostic));
    }

    private static byte[] Reply(int id, int op, Action<AsnWriter> body)
    {
        var w = new AsnWriter(AsnEncodingRules.BER);
        using (w.PushSequence())
        {
            w.WriteInteger(id);
            using (w.PushSequence(new Asn1Tag(TagClass.Application, op, isConstructed: true)))
            {
                body(w);
            }
        }

        return w.Encode();
    }

    private enum ResultCode
    {
    }
}
