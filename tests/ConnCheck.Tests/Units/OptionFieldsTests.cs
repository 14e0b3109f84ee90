using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Model;
using ConnCheck.Checks.Types;

namespace ConnCheck.Tests.Units;

/// <summary>A check type's fields come from its options record's parameters, declared once (in process).</summary>
public sealed class OptionFieldsTests
{
    private sealed record SampleOptions(
        [Required, Kind(FieldKind.Host)] string Host, [Kind(FieldKind.Port)] int? ProxyPort, [Secret] string? Password, bool? DisableTlsVerification,
        IReadOnlyList<string>? Expect, IReadOnlyList<KeyValuePair<string, string>> Headers, [Secret] Credentials? DigestAuth, TextOrForm? Body) : CheckOptions;

    private sealed record TwoConstructors(string? Name) : CheckOptions
    {
        public TwoConstructors()
            : this(Name: null)
        {
        }
    }

    [Fact]
    public void Each_parameter_is_a_field_named_in_snake_case_of_its_kind_in_order()
    {
        Assert.Equal(
            [
                new FieldSpec("host", FieldKind.Host, Required: true),
                new FieldSpec("proxy_port", FieldKind.Port),
                new FieldSpec("password", FieldKind.String, Secret: true),
                new FieldSpec("disable_tls_verification", FieldKind.Boolean),
                new FieldSpec("expect", FieldKind.StringList),
                new FieldSpec("headers", FieldKind.StringMap),
                new FieldSpec("digest_auth", FieldKind.Credentials, Secret: true),
                new FieldSpec("body", FieldKind.TextOrForm),
            ],
            OptionFields.Of(typeof(SampleOptions)).Specs);
    }

    [Fact]
    public void Parse_fills_each_parameter_from_its_field_and_leaves_unset_ones_empty()
    {
        var fields = OptionFields.Of(typeof(SampleOptions));
        var set = (SampleOptions)fields.Parse(new CheckFields(new Dictionary<string, object>
        {
            ["host"] = "db.internal", ["proxy_port"] = 8080, ["password"] = "pw-1", ["disable_tls_verification"] = true,
            ["expect"] = new[] { "1.2.3.4" }, ["headers"] = new[] { new KeyValuePair<string, string>("X-A", "b") },
            ["digest_auth"] = new[] { "user", "pw-2" }, ["body"] = "text",
        }));
        var unset = (SampleOptions)fields.Parse(new CheckFields(new Dictionary<string, object>()));

        Assert.Equal(("db.internal", 8080, "pw-1", true, "1.2.3.4", "X-A", "user", "text"), (set.Host, set.ProxyPort, set.Password, set.DisableTlsVerification, set.Expect!.Single(), set.Headers.Single().Key, set.DigestAuth!.User, set.Body!.Text));
        Assert.Equal(("", null, null, null, null, 0, null, null), (unset.Host, unset.ProxyPort, unset.Password, unset.DisableTlsVerification, unset.Expect, unset.Headers.Count, unset.DigestAuth, unset.Body));
    }

    [Fact]
    public void Secret_parameters_are_the_secrets_a_credentials_pair_with_its_basic_form()
    {
        var options = new SampleOptions("h", null, "pw-1", null, null, [], new Credentials("user", "pw-2"), null);

        Assert.Equal(["dXNlcjpwdy0y", "pw-1", "pw-2"], Redaction.SecretsOf(options).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_record_the_fields_cannot_be_read_from_is_refused_by_name()
    {
        var error = Assert.Throws<InvalidOperationException>(() => OptionFields.Of(typeof(TwoConstructors)));

        Assert.Contains("TwoConstructors must be a positional record", error.Message);
    }

    [Fact]
    public void Every_registered_type_reads_its_fields_from_its_options_record()
    {
        foreach (var type in CheckTypes.Default.Types)
        {
            var declared = OptionFields.Of(type.OptionsType).Specs;
            Assert.Equal(declared, type.Fields.Take(declared.Count));
            Assert.All(type.Fields.Skip(declared.Count), extra => Assert.Equal(FieldKind.ZoneOverrides, extra.Kind));
        }
    }
}
