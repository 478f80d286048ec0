using Mmd.Exchanges.Backpack;

namespace Mmd.Exchanges.Tests.Backpack;

/// <summary>The published vectors of exchanges.md §1.8 and the canonical strings of Backpack's own API description.</summary>
public class BackpackSignerTests
{
    // RFC 8032 §7.1 TEST 1 key pair.
    private const string Secret = TestKeys.Secret;
    private const string ApiKey = TestKeys.ApiKey;
    private static readonly BackpackSigner Signer = new(BackpackCredentials.Parse(ApiKey, Secret));

    [Fact]
    public void Rfc8032_Test1_EmptyMessage()
    {
        var expected = Convert.FromHexString("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
        Assert.Equal(expected, Convert.FromBase64String(Signer.Sign("")));
        Assert.Equal(ApiKey, Signer.ApiKey);
    }

    [Fact]
    public void Vector1_OrderCancel_SortedBodyFields()
    {
        var message = BackpackSigner.SigningString("orderCancel",
            [BackpackParameter.Text("symbol", "BTC_USDT"), BackpackParameter.Number("orderId", 28)], 1614550000000, 5000);
        Assert.Equal("instruction=orderCancel&orderId=28&symbol=BTC_USDT&timestamp=1614550000000&window=5000", message);
        Assert.Equal("wLQaGPszkXrEWaIm6RsnVLJv70Uuw62SXxmdso6cadUmR0NWzFhfhvuCWMl+jbBNJ5gZRfCPjvXI29H7JeW6Ag==", Signer.Sign(message));
    }

    [Fact]
    public void Vector4_BalanceQuery_NoParameters()
    {
        var message = BackpackSigner.SigningString("balanceQuery", [], 1614550000000, 5000);
        Assert.Equal("instruction=balanceQuery&timestamp=1614550000000&window=5000", message);
        Assert.Equal("0Xe7TkJWz9DGQ5TNj1mBNbiF5PTPIVch/B+5PzBZ0QdWQq/pmWAyP+AluwN5pPyKjz3SUaeL78eiy+TCcakEAQ==", Signer.Sign(message));
    }

    [Fact]
    public void Batch_RepeatsTheInstructionPerOrder_AndAppendsTheTailOnce()
    {
        static BackpackParameter[] Order(string price, string quantity) =>
        [
            BackpackParameter.Text("symbol", "SOL_USDC_PERP"), BackpackParameter.Text("side", "Bid"), BackpackParameter.Text("orderType", "Limit"),
            BackpackParameter.Text("price", price), BackpackParameter.Text("quantity", quantity),
        ];
        Assert.Equal(
            "instruction=orderExecute&orderType=Limit&price=141&quantity=12&side=Bid&symbol=SOL_USDC_PERP&instruction=orderExecute&orderType=Limit&price=140&quantity=11&side=Bid&symbol=SOL_USDC_PERP&timestamp=1750793021519&window=5000",
            BackpackSigner.BatchSigningString("orderExecute", [Order("141", "12"), Order("140", "11")], 1750793021519, 5000));
    }

    [Fact]
    public void Booleans_AreWrittenAsTrueFalse_AndSortedWithTheRest()
    {
        var message = BackpackSigner.SigningString("orderExecute",
            [BackpackParameter.Flag("postOnly", true), BackpackParameter.Flag("reduceOnly", false), BackpackParameter.Number("clientId", 7), BackpackParameter.Amount("price", 141.50m)],
            1, 5000);
        Assert.Equal("instruction=orderExecute&clientId=7&postOnly=true&price=141.50&reduceOnly=false&timestamp=1&window=5000", message);
    }

    [Fact]
    public void Verify_AcceptsOurSignature_RejectsAnyChange()
    {
        var message = BackpackSigner.SigningString("orderQueryAll", [BackpackParameter.Text("symbol", "SOL_USDC")], 1614550000000, 5000);
        var signature = Signer.Sign(message);
        Assert.True(BackpackSigner.Verify(ApiKey, message, signature));
        Assert.False(BackpackSigner.Verify(ApiKey, message.Replace("SOL", "BTC"), signature));
        Assert.False(BackpackSigner.Verify(ApiKey, message, "not base64!"));
        Assert.False(BackpackSigner.Verify("AAAA", message, signature));
    }

    [Fact]
    public void Credentials_AreNeverPrinted_AndMismatchedKeysAreRefused()
    {
        var credentials = BackpackCredentials.Parse(ApiKey, Secret);
        Assert.DoesNotContain(Secret, credentials.ToString());
        Assert.DoesNotContain(ApiKey, credentials.ToString());
        var otherKey = Convert.ToBase64String(new byte[32]);
        Assert.Throws<BackpackCredentialsException>(() => new BackpackSigner(BackpackCredentials.Parse(otherKey, Secret)));
        Assert.Throws<BackpackCredentialsException>(() => BackpackCredentials.Parse(ApiKey, "c2hvcnQ="));
    }
}
