"""The Merkle tree over the audit log (RFC 9162 section 2.1): its root and the
proofs a verifier checks with exchanges.tlog_verify. Plain Python over a list of
leaf hashes; nothing here knows about the database."""

from exchanges.tlog_verify import EMPTY_ROOT, node_hash


def _split(n):
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def root(leaves):
    """MTH(D[n]) of a list of leaf hashes, without recursion: complete subtrees are
    merged as they fill, and what is left is folded from the right, which gives
    RFC 9162's left-heavy shape."""
    if not leaves:
        return EMPTY_ROOT
    stack = []  # (height, hash) of complete subtrees, largest first
    for leaf in leaves:
        height, value = 0, leaf
        while stack and stack[-1][0] == height:
            value = node_hash(stack.pop()[1], value)
            height += 1
        stack.append((height, value))
    value = stack.pop()[1]
    while stack:
        value = node_hash(stack.pop()[1], value)
    return value


def inclusion_path(index, leaves):
    """PATH(m, D[n]) of RFC 9162 section 2.1.3.1, leaf hashes first-level up."""
    if not 0 <= index < len(leaves):
        raise ValueError(f"Leaf {index} is not in a tree of {len(leaves)} leaves.")
    path = []
    start, end = 0, len(leaves)
    # Walk down from the root, collecting the sibling of each subtree entered; the
    # proof lists them from the leaf up.
    while end - start > 1:
        k = _split(end - start)
        if index - start < k:
            path.append(root(leaves[start + k : end]))
            end = start + k
        else:
            path.append(root(leaves[start : start + k]))
            start += k
    path.reverse()
    return path


def consistency_proof(size1, leaves):
    """PROOF(m, D[n]) of RFC 9162 section 2.1.4.1: the tree of ``len(leaves)``
    leaves extends its first ``size1`` leaves."""
    size2 = len(leaves)
    if not 0 <= size1 <= size2:
        raise ValueError(f"No proof from {size1} to {size2} leaves.")
    if size1 in (0, size2):
        return []
    proof = []
    start, end, whole = 0, size2, True
    m = size1
    while m != end - start:
        k = _split(end - start)
        if m <= k:
            proof.append(root(leaves[start + k : end]))
            end = start + k
        else:
            proof.append(root(leaves[start : start + k]))
            start += k
            m -= k
            whole = False
    if not whole:
        proof.append(root(leaves[start:end]))
    proof.reverse()
    return proof
