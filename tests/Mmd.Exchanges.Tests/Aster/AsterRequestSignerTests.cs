using Microsoft.Extensions.Time.Testing;
using Mmd.Exchanges.Aster;

namespace Mmd.Exchanges.Tests.Aster;

public class AsterRequestSignerTests
{
    // The demo key pair published in Aster's V3 docs (exchanges.md §2.8).
    private const string User = "0x63DD5aCC6b1aa0f563956C0e534DD30B6dcF7C4e";
    private const string Signer = "0x21cF8Ae13Bb72632562c6Fff438652Ba1a151bb0";
    private const string Key = "0x4fd0a42218f3eae43a6ce26d22544e986139a01e5b34a62db53757ffca81bae1";

    private static readonly Dictionary<string, string> V3Variables = new()
    {
        [AsterCredentials.UserVariable] = User, [AsterCredentials.SignerVariable] = Signer, [AsterCredentials.SignerKeyVariable] = Key,
    };

    private static FakeTimeProvider Clock() => new(DateTimeOffset.FromUnixTimeMilliseconds(1748310859508));

    [Fact]
    public void V3_SignsTheExactStringItSends_AndTheVenueRecoversTheSigner()
    {
        var time = Clock();
        var signer = new AsterRequestSigner(AsterCredentials.From(V3Variables, AsterSigning.V3), time, TimeSpan.FromSeconds(5));
        var signed = signer.Sign("symbol=ASTERUSDT&type=LIMIT&side=BUY&timeInForce=GTC&quantity=20&price=0.5");
        Assert.Null(signed.ApiKey); // V3 sends no key header
        var at = signed.Parameters.IndexOf("&signature=", StringComparison.Ordinal);
        var sent = signed.Parameters[..at];
        Assert.Equal($"symbol=ASTERUSDT&type=LIMIT&side=BUY&timeInForce=GTC&quantity=20&price=0.5&nonce=1748310859508000&user={User}&signer={Signer}", sent);
        Assert.Equal(Signer, AsterEip712Signer.RecoverSigner(sent, signed.Parameters[(at + "&signature=".Length)..], AsterEip712Signer.MainnetChainId));
    }

    [Fact]
    public void V3_NoncesAreMicroseconds_OfVenueTime_AndNeverRepeat()
    {
        var time = Clock();
        var signer = new AsterRequestSigner(AsterCredentials.From(V3Variables, AsterSigning.V3), time, TimeSpan.FromSeconds(5)) { ClockOffset = TimeSpan.FromMilliseconds(250) };
        long NonceOf(AsterSignedRequest r) => long.Parse(r.Parameters.Split('&').Single(p => p.StartsWith("nonce=", StringComparison.Ordinal))[6..], System.Globalization.CultureInfo.InvariantCulture);
        var first = NonceOf(signer.Sign(""));
        Assert.Equal(1748310859758000, first); // the venue is 250 ms ahead
        var burst = Enumerable.Range(0, 100).Select(_ => NonceOf(signer.Sign("symbol=X"))).ToList();
        Assert.Equal(burst.Count, burst.Distinct().Count());
        Assert.True(burst.Zip(burst.Skip(1)).All(p => p.Second > p.First) && burst[0] > first);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1748310860758000, NonceOf(signer.Sign("")));
    }

    [Fact]
    public void V1_AddsRecvWindowAndTimestamp_SignsWithHmac_AndSendsTheKeyInTheHeader()
    {
        var variables = new Dictionary<string, string>
        {
            [AsterCredentials.ApiKeyVariable] = "dbefbc809e3e83c283a984c3a1459732ea7db1360ca80c5c2c8867408d28cc83",
            [AsterCredentials.SecretKeyVariable] = "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9",
        };
        var signer = new AsterRequestSigner(AsterCredentials.From(variables, AsterSigning.V1), new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1591702613943)),
            TimeSpan.FromSeconds(5));
        var signed = signer.Sign("symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC");
        // The document's vector: the same parameters, recvWindow 5000, timestamp 1591702613943.
        Assert.Equal("symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943" +
            "&signature=3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9", signed.Parameters);
        Assert.Equal("dbefbc809e3e83c283a984c3a1459732ea7db1360ca80c5c2c8867408d28cc83", signed.ApiKey);
    }

    [Fact]
    public void Credentials_NameWhatIsMissingOrWrong_AndAreNeverPrinted()
    {
        Assert.Equal("ASTER_SIGNER is not set", Assert.Throws<AsterCredentialsException>(() =>
            AsterCredentials.From(new Dictionary<string, string> { [AsterCredentials.UserVariable] = User }, AsterSigning.V3)).Message);
        Assert.Equal("ASTER_SECRET_KEY is not set", Assert.Throws<AsterCredentialsException>(() =>
            AsterCredentials.From(new Dictionary<string, string> { [AsterCredentials.ApiKeyVariable] = "k" }, AsterSigning.V1)).Message);
        var otherSigner = new Dictionary<string, string>(V3Variables) { [AsterCredentials.SignerVariable] = User };
        Assert.Contains("is the key of " + Signer, Assert.Throws<AsterCredentialsException>(() => AsterCredentials.From(otherSigner, AsterSigning.V3)).Message, StringComparison.Ordinal);
        var notHex = new Dictionary<string, string>(V3Variables) { [AsterCredentials.SignerKeyVariable] = "0xnothex" };
        Assert.Equal("ASTER_SIGNER_PRIVATE_KEY is not hex", Assert.Throws<AsterCredentialsException>(() => AsterCredentials.From(notHex, AsterSigning.V3)).Message);
        var badUser = new Dictionary<string, string>(V3Variables) { [AsterCredentials.UserVariable] = "0x1234" };
        Assert.Contains("ASTER_USER", Assert.Throws<AsterCredentialsException>(() => AsterCredentials.From(badUser, AsterSigning.V3)).Message, StringComparison.Ordinal);

        var credentials = AsterCredentials.From(V3Variables, AsterSigning.V3);
        Assert.Equal("AsterCredentials(V3, ***)", credentials.ToString());
        // The signer address accepts any case: the checksum is for display.
        Assert.Equal(AsterSigning.V3, AsterCredentials.From(new Dictionary<string, string>(V3Variables) { [AsterCredentials.SignerVariable] = Signer.ToLowerInvariant() }, AsterSigning.V3).Scheme);
    }
}
