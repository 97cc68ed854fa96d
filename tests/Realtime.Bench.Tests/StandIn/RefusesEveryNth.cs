namespace Realtime.Bench.Tests.StandIn;

/// <summary>Answers every <paramref name="n"/>-th publish of each publisher (sequences n-1, 2n-1, …) with an error.</summary>
internal sealed class RefusesEveryNth(int n) : ServerBehaviour
{
    public override bool Refuses(long sequence)
    {
        if (sequence % n != n - 1)
        {
            return false;
        }

        CountInjected();
        return true;
    }
}
