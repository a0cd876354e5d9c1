namespace AdmmNn.Tensors.Ops;

/// <summary>
/// Reuse of a kernel's derived weights (direct packing, Winograd transform, small-plane D) across evaluation passes.
/// A <see cref="FusedConvChain"/> compares its source weights and BatchNorm parameters with the last pass's and says
/// whether they are unchanged; then a derived form that was built in a fused call from the same folded weights is used
/// as is, without folding, comparing or packing again (resnet18-32: 11M weights per pass). Each derived form carries the
/// stamp of the fused weights it was built from, or −1 when it was built in any other call (training, an unfused pass),
/// so a form built from other weights is never reused.
/// </summary>
internal sealed partial class ConvOp
{
    /// <summary>Incremented whenever a fused call brings weights that differ from the previous fused call's.</summary>
    private long _fusedVersion;

    private bool _inFusedCall;
    private bool _fusedWeightsUnchanged;

    /// <summary>Enters a fused call (end it with <see cref="EndFusedCall"/>): derived forms built now carry its stamp.</summary>
    private void BeginFusedCall(bool weightsUnchanged)
    {
        if (!weightsUnchanged)
        {
            _fusedVersion++;
        }

        _inFusedCall = true;
        _fusedWeightsUnchanged = weightsUnchanged;
    }

    private void EndFusedCall() => _inFusedCall = false;

    /// <summary>The stamp a derived form built now carries.</summary>
    private long DerivedStamp => _inFusedCall ? _fusedVersion : -1;

    /// <summary>Whether a derived form with <paramref name="stamp"/> was built from exactly the weights of this (fused) call.</summary>
    private bool CanReuseDerived(long stamp) => _inFusedCall && _fusedWeightsUnchanged && stamp == _fusedVersion;
}
