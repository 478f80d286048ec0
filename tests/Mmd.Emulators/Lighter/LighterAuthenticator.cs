using System.Collections.Concurrent;
using Mmd.Exchanges.Lighter;

namespace Mmd.Emulators.Lighter;

/// <summary>
/// The venue's side of Lighter's keys (exchanges.md §4.5): each account's API key indexes with their public keys and
/// next nonces. A transaction must be signed by the key registered on its index, for this chain, unexpired, with the
/// key's next nonce; an auth token must verify under that key and not be past its deadline.
/// </summary>
public sealed class LighterAuthenticator(long chainId)
{
    private readonly ConcurrentDictionary<(long Account, int Key), Entry> _keys = new();

    private sealed class Entry(Fp5 publicKey)
    {
        public Fp5 PublicKey { get; } = publicKey;
        public long NextNonce { get; set; }
    }

    public long ChainId => chainId;

    /// <summary>Registers (or replaces) the public key of an account's API key index, as a ChangePubKey transaction does.</summary>
    public void Register(long account, int apiKeyIndex, Fp5 publicKey) => _keys[(account, apiKeyIndex)] = new Entry(publicKey);

    public Fp5? PublicKeyOf(long account, int apiKeyIndex) => _keys.TryGetValue((account, apiKeyIndex), out var e) ? e.PublicKey : null;

    /// <summary>The account's registered API keys, by index.</summary>
    public IEnumerable<(int Index, Fp5 PublicKey, long NextNonce)> KeysOf(long account) =>
        _keys.Where(k => k.Key.Account == account).OrderBy(k => k.Key.Key).Select(k => (k.Key.Key, k.Value.PublicKey, k.Value.NextNonce));

    public long? NextNonce(long account, int apiKeyIndex) => _keys.TryGetValue((account, apiKeyIndex), out var e) ? e.NextNonce : null;

    /// <summary>Null when the transaction is signed by the key on its index, for this chain, unexpired, with the key's next nonce; the venue's code and reason otherwise.</summary>
    public (int Code, string Message)? Check(LighterTx tx, byte[] signature, DateTimeOffset now)
    {
        if (!_keys.TryGetValue((tx.AccountIndex, tx.ApiKeyIndex), out var entry))
            return (LighterApiException.InvalidPublicKey, $"account {tx.AccountIndex} has no API key {tx.ApiKeyIndex}");
        if (!LighterSchnorr.Verify(entry.PublicKey, tx.Hash(chainId), signature)) return (21120, "invalid signature");
        if (tx.ExpiredAt <= now.ToUnixTimeMilliseconds()) return (21114, "transaction expired");
        return tx.Nonce != entry.NextNonce ? (LighterApiException.InvalidNonce, $"invalid nonce: expected {entry.NextNonce}, got {tx.Nonce}") : null;
    }

    /// <summary>The transaction is taken: its nonce is spent (the caller holds the sequencer, so checks and spends do not interleave).</summary>
    public void Spend(LighterTx tx) => _keys[(tx.AccountIndex, tx.ApiKeyIndex)].NextNonce = tx.Nonce + 1;

    /// <summary>The account an auth token speaks for, or null when it does not verify or has lapsed.</summary>
    public long? AccountOf(string? token, DateTimeOffset now)
    {
        if (token is null || token.Split(':') is not [var deadline, var account, var key, _]
            || !long.TryParse(account, out var accountIndex) || !int.TryParse(key, out var keyIndex) || !long.TryParse(deadline, out var seconds)
            || seconds < now.ToUnixTimeSeconds() || PublicKeyOf(accountIndex, keyIndex) is not { } publicKey)
            return null;
        return LighterSigner.VerifyAuthToken(token, publicKey) is not null ? accountIndex : null;
    }
}
