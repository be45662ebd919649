package io.github.whatsappai.store;


import java.util.Objects;

/**
 * A burst claimed by one instance's worker, under a lease.
 *
 * @param id identifies this claim (a new id on every claim, also on a takeover)
 * @param batch the burst: its conversation and messages
 * @param progress how far an earlier owner got; {@link BurstProgress#start()} for a fresh burst
 * @param owner the instance holding it
 * @param leaseUntil when it expires unless renewed, epoch milliseconds
 * @param takeovers how many earlier claims of this burst ended without completing (crash, close)
 */
public record Claim(String id, Batch batch, BurstProgress progress, String owner, long leaseUntil, int takeovers) {

    public Claim {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(owner, "owner");
    }

    /** This claim with a new lease. */
    public Claim withLease(long until) {
        return new Claim(id, batch, progress, owner, until, takeovers);
    }

    /** This claim with new progress (as saved). */
    public Claim withProgress(BurstProgress next) {
        return new Claim(id, batch, next, owner, leaseUntil, takeovers);
    }
}
