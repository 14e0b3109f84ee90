namespace ConnCheck.Checks.Engine;

/// <summary>
/// The lower-case words of conn-check's own messages ("wrong password", "timed out", "connection
/// refused"...). A secret that is one of them is masked only where it stands as a value, not in prose:
/// otherwise a password "wrong" would rewrite "wrong password" into "*** password". A word missing
/// here is simply masked everywhere, the safe side.
/// </summary>
internal static class OwnWords
{
    public static readonly IReadOnlySet<string> All = new HashSet<string>(
        """
        above accept added address after agent all allowed allowlist alternatives amqp an and
        answer answering any application are as at auth authentication authorization backwards bad
        basic be before best between body both but by byte called can cannot cert certificate change
        check closed code collections configured conn connect connected connection context cookie
        cookies could count credential credentials crit database days description destination
        did directory dns does during either email empty entry error exception exist expect
        expected expecting expired expires failed failure false field fields files first for form
        found from got handshake has header headers hint holder host http https in innermost 
        invalid is issuer it key larger last latency length limits line list listens listing
        location login loop main many max may memcache memcached message method mongo mongodb more
        ms must mysql name named names needs network new next no none not null observed of offer on
        one only open opening or out over params part passwd password path peer pem ping plain port
        postgres postgresql prefix presented proxy query range reachable reason redirect redirects
        redis refusal refused replied reply request required requires reset resolve resolved
        response root route rules runs scheme secret secure self send sending sent server session
        set settings shown signature signed smtp socket specs ssl stage starttls status step string
        subject succeeded such tags tcp test text than that the there they this time timed timeout
        tls to token too top transport true trusted try type udp unexpected unix unknown unlimited
        unreachable unsupported untrusted uri url urlencoded user username valid value version vhost
        visited waiting warn was went which why with without wrong www xp
        """.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries),
        StringComparer.Ordinal);
}
