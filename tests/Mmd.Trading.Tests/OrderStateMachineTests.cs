using Mmd.Trading.Execution;
using Mmd.Trading.Orders;
using Mmd.Trading.Primitives;

namespace Mmd.Trading.Tests;

public class OrderStateMachineTests
{
    public static TheoryData<OrderStatus, OrderStatus> IllegalTransitions()
    {
        var data = new TheoryData<OrderStatus, OrderStatus>();
        var legal = OrderStateMachine.LegalTransitions().ToHashSet();
        foreach (var from in Enum.GetValues<OrderStatus>())
            foreach (var to in Enum.GetValues<OrderStatus>())
                if (from != to && !legal.Contains((from, to))) data.Add(from, to);
        return data;
    }

    public static TheoryData<OrderStatus, OrderStatus> LegalTransitions()
    {
        var data = new TheoryData<OrderStatus, OrderStatus>();
        foreach (var (from, to) in OrderStateMachine.LegalTransitions()) data.Add(from, to);
        return data;
    }

    [Theory]
    [MemberData(nameof(IllegalTransitions))]
    public void Transition_Illegal_Throws(OrderStatus from, OrderStatus to)
    {
        var order = Order();
        order.Restore(from, null, 0, DateTimeOffset.UnixEpoch, null);
        var ex = Assert.Throws<InvalidOrderTransitionException>(() => order.TransitionTo(to, DateTimeOffset.UnixEpoch));
        Assert.Equal(from, ex.From);
        Assert.Equal(to, ex.To);
        Assert.Equal(from, order.Status);
    }

    [Theory]
    [MemberData(nameof(LegalTransitions))]
    public void Transition_Legal_Moves(OrderStatus from, OrderStatus to)
    {
        var order = Order();
        order.Restore(from, null, 0, DateTimeOffset.UnixEpoch, null);
        order.TransitionTo(to, DateTimeOffset.UnixEpoch.AddSeconds(1));
        Assert.Equal(to, order.Status);
    }

    [Fact]
    public void TerminalStates_HaveNoExit()
    {
        foreach (var terminal in new[] { OrderStatus.Filled, OrderStatus.Cancelled, OrderStatus.Rejected })
            Assert.DoesNotContain(OrderStateMachine.LegalTransitions(), t => t.From == terminal);
    }

    internal static TrackedOrder Order(string id = "mm_1", Side side = Side.Buy, decimal price = 100m, decimal quantity = 1m) => new()
    {
        ClientOrderId = id, Symbol = "SOL_USDC", Side = side, Type = OrderType.Limit, TimeInForce = TimeInForce.Gtc,
        Price = price, Quantity = quantity, PostOnly = true, Level = 0, CreatedAt = DateTimeOffset.UnixEpoch,
    };
}
