namespace GrpcMM.Protos.V1;

public sealed partial class InstanceSpec
{
    /// <summary>
    /// The venue account the instance trades on, as the operator reads it: the daemon holds one account per live venue
    /// ("backpack"); on paper each paper account is its own ("paper account bot1"). Instances with the same one share
    /// its balances (and, given capital, divide them).
    /// </summary>
    public string VenueAccount => Venue is "" or "paper"
        ? $"paper account {(Paper?.Account is { Length: > 0 } account ? account : Name)}"
        : Venue;
}
