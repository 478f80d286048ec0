using Mmd.Trading.Execution;

namespace Mmd.Trading.Tests;

/// <summary>A place request taken back before it leaves: only while its connector says it waits, never once let go.</summary>
public class PlaceWithdrawalTests
{
    [Fact]
    public void Armed_IsWithdrawn_ItsTokenCancelled_AndCanNoLongerLeave()
    {
        using var withdrawal = new PlaceWithdrawal();
        withdrawal.Arm();
        Assert.True(withdrawal.TryWithdraw());
        Assert.True(withdrawal.Token.IsCancellationRequested);
        Assert.True(withdrawal.Withdrawn);
        Assert.False(withdrawal.TryLeave());
        Assert.True(withdrawal.TryWithdraw()); // asked again: still withdrawn
    }

    [Fact]
    public void NeverArmed_CannotBeWithdrawn_ForItsConnectorDoesNotWaitOnIt()
    {
        using var withdrawal = new PlaceWithdrawal();
        Assert.False(withdrawal.TryWithdraw());
        Assert.False(withdrawal.Token.IsCancellationRequested);
        Assert.True(withdrawal.TryLeave());
    }

    [Fact]
    public void LetGo_CannotBeWithdrawn_AndAnotherArmingDoesNotReopenIt()
    {
        using var withdrawal = new PlaceWithdrawal();
        withdrawal.Arm();
        Assert.True(withdrawal.TryLeave());
        withdrawal.Arm(); // a second wait of the same request (Lighter's retry after a nonce refusal)
        Assert.False(withdrawal.TryWithdraw());
        Assert.False(withdrawal.Withdrawn);
        Assert.True(withdrawal.TryLeave());
    }
}
