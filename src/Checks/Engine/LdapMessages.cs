using System.Formats.Asn1;
using System.Globalization;
using System.Text;

namespace ConnCheck.Checks.Engine;

/// <summary>An LDAP reply: its protocol op ([APPLICATION n]) and, for results, the LDAPResult fields.</summary>
public sealed record LdapReply(int MessageId, int Op, int ResultCode = 0, string MatchedDn = "", string Diagnostic = "", string? EntryDn = null, string? ResponseName = null);

/// <summary>A reply that is not LDAP (or not the LDAP this client asked for).</summary>
public sealed class LdapProtocolException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The LDAPv3 messages (RFC 4511) the ldap check sends and reads, in BER: bind, search, StartTLS,
/// unbind, and RFC 4515 string filters. No I/O here.
/// </summary>
public static class LdapMessages
{
    public const int BindRequestOp = 0, BindResponseOp = 1, UnbindRequestOp = 2, SearchRequestOp = 3, SearchResultEntryOp = 4,
        SearchResultDoneOp = 5, SearchResultReferenceOp = 19, ExtendedRequestOp = 23, ExtendedResponseOp = 24;

    public const string StartTlsOid = "1.3.6.1.4.1.1466.20037";

    /// <summary>The server's unsolicited "I am closing" (RFC 4511 4.4.1), message ID 0.</summary>
    public const string NoticeOfDisconnectionOid = "1.3.6.1.4.1.1466.20036";

    private static readonly Asn1Tag ContextZeroPrimitive = new(TagClass.ContextSpecific, 0);

    public static byte[] BindRequest(int messageId, string dn, string password) => Message(messageId, BindRequestOp, w =>
    {
        w.WriteInteger(3);
        w.WriteOctetString(Encoding.UTF8.GetBytes(dn));
        w.WriteOctetString(Encoding.UTF8.GetBytes(password), ContextZeroPrimitive);
    });

    /// <summary>A whole-subtree search for at most one entry, asking for no attributes ("1.1").</summary>
    public static byte[] SearchRequest(int messageId, string baseDn, string filter, int timeLimitSeconds) => Message(messageId, SearchRequestOp, w =>
    {
        w.WriteOctetString(Encoding.UTF8.GetBytes(baseDn));
        w.WriteEnumeratedValue(SearchScope.WholeSubtree);
        w.WriteEnumeratedValue(DerefAliases.Never);
        w.WriteInteger(1);
        w.WriteInteger(timeLimitSeconds);
        w.WriteBoolean(false);
        new LdapFilter(filter).WriteTo(w);
        using (w.PushSequence())
        {
            w.WriteOctetString("1.1"u8);
        }
    });

    public static byte[] ExtendedRequest(int messageId, string oid) => Message(messageId, ExtendedRequestOp, w =>
        w.WriteOctetString(Encoding.ASCII.GetBytes(oid), ContextZeroPrimitive));

    public static byte[] UnbindRequest(int messageId)
    {
        var w = new AsnWriter(AsnEncodingRules.BER);
        using (w.PushSequence())
        {
            w.WriteInteger(messageId);
            w.WriteNull(new Asn1Tag(TagClass.Application, UnbindRequestOp));
        }

        return w.Encode();
    }

    /// <summary>Checks a filter's syntax; the error says what is wrong, or null.</summary>
    public static string? FilterError(string filter)
    {
        try
        {
            new LdapFilter(filter).WriteTo(new AsnWriter(AsnEncodingRules.BER));
            return null;
        }
        catch (FormatException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>
    /// The total length (header and content) of the message that starts <paramref name="start"/>, or
    /// null when more bytes are needed to tell. Throws when the bytes cannot start an LDAP message.
    /// </summary>
    public static int? MessageLength(ReadOnlySpan<byte> start, int maxLength)
    {
        if (start.Length == 0)
        {
            return null;
        }

        if (start[0] != 0x30)
        {
            throw new LdapProtocolException("it does not start with a BER SEQUENCE");
        }

        if (start.Length < 2)
        {
            return null;
        }

        int length;
        var header = 2;
        if (start[1] < 0x80)
        {
            length = start[1];
        }
        else
        {
            var octets = start[1] & 0x7f;
            if (octets is 0 or > 4)
            {
                throw new LdapProtocolException(octets == 0 ? "indefinite length, which LDAP does not allow" : "a length field of more than 4 bytes");
            }

            if (start.Length < 2 + octets)
            {
                return null;
            }

            long value = 0;
            foreach (var b in start.Slice(2, octets))
            {
                value = (value << 8) | b;
            }

            if (value + 2 + octets > maxLength)
            {
                throw new LdapProtocolException($"a reply of {value + 2 + octets} bytes, over the {maxLength}-byte limit");
            }

            length = (int)value;
            header += octets;
        }

        return header + length <= maxLength ? header + length
            : throw new LdapProtocolException($"a reply of {header + length} bytes, over the {maxLength}-byte limit");
    }

    /// <summary>Decodes one whole LDAPMessage (as framed by <see cref="MessageLength"/>).</summary>
    public static LdapReply Parse(ReadOnlyMemory<byte> message)
    {
        try
        {
            var outer = new AsnReader(message, AsnEncodingRules.BER);
            var sequence = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            if (!sequence.TryReadInt32(out var messageId) || messageId < 0)
            {
                throw new LdapProtocolException("a message ID that is not a small integer");
            }

            var tag = sequence.PeekTag();
            if (tag.TagClass != TagClass.Application)
            {
                throw new LdapProtocolException($"a protocol op that is not [APPLICATION n] ({tag})");
            }

            // Controls ([0]) may follow the op; this client asks for none and ignores them.
            return tag.TagValue switch
            {
                BindResponseOp or SearchResultDoneOp or ExtendedResponseOp => Result(messageId, tag, sequence.ReadSequence(tag)),
                SearchResultEntryOp => Entry(messageId, sequence.ReadSequence(tag)),
                _ => new LdapReply(messageId, tag.TagValue),
            };
        }
        catch (AsnContentException ex)
        {
            throw new LdapProtocolException($"malformed BER ({ex.Message})");
        }
    }

    private static LdapReply Result(int messageId, Asn1Tag tag, AsnReader op)
    {
        var code = op.ReadEnumeratedBytes().Span;
        if (code.Length is 0 or > 3 || code[0] >= 0x80)
        {
            throw new LdapProtocolException("a result code that is not a small ENUMERATED");
        }

        var resultCode = 0;
        foreach (var b in code)
        {
            resultCode = (resultCode << 8) | b;
        }

        var matched = Text(op.ReadOctetString());
        var diagnostic = Text(op.ReadOctetString());
        string? responseName = null;
        var responseNameTag = new Asn1Tag(TagClass.ContextSpecific, 10);
        while (op.HasData)
        {
            if (op.PeekTag().HasSameClassAndValue(responseNameTag))
            {
                responseName = Text(op.ReadOctetString(responseNameTag));
            }
            else
            {
                op.ReadEncodedValue();
            }
        }

        return new LdapReply(messageId, tag.TagValue, resultCode, matched, diagnostic, ResponseName: responseName);
    }

    private static LdapReply Entry(int messageId, AsnReader op) =>
        new(messageId, SearchResultEntryOp, EntryDn: Text(op.ReadOctetString()));

    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    /// <summary>The name of an LDAP result code (RFC 4511 appendix A), with its number.</summary>
    public static string ResultName(int code) => code switch
    {
        0 => "0 success",
        1 => "1 operationsError",
        2 => "2 protocolError",
        3 => "3 timeLimitExceeded",
        4 => "4 sizeLimitExceeded",
        7 => "7 authMethodNotSupported",
        8 => "8 strongerAuthRequired",
        10 => "10 referral",
        11 => "11 adminLimitExceeded",
        13 => "13 confidentialityRequired",
        32 => "32 noSuchObject",
        34 => "34 invalidDNSyntax",
        48 => "48 inappropriateAuthentication",
        49 => "49 invalidCredentials",
        50 => "50 insufficientAccessRights",
        51 => "51 busy",
        52 => "52 unavailable",
        53 => "53 unwillingToPerform",
        80 => "80 other",
        _ => code.ToString(CultureInfo.InvariantCulture),
    };

    private static byte[] Message(int messageId, int op, Action<AsnWriter> body)
    {
        var w = new AsnWriter(AsnEncodingRules.BER);
        using (w.PushSequence())
        {
            w.WriteInteger(messageId);
            using (w.PushSequence(new Asn1Tag(TagClass.Application, op, isConstructed: true)))
            {
                body(w);
            }
        }

        return w.Encode();
    }

    private enum SearchScope
    {
        WholeSubtree = 2,
    }

    private enum DerefAliases
    {
        Never = 0,
    }
}
