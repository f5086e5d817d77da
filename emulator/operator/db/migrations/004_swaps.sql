-- Leaf swaps (docs/ssp.md, section "The swap protocol (Swap V3)"). A swap's primary transfer is a
-- transfers row of type PRIMARY_SWAP_V3 with the wallet's adaptor point (33-byte hex): its
-- refunds are signed with it into adaptor signatures, and each operator refuses to sign them with
-- any other. NULL for every other transfer.
ALTER TABLE transfers ADD COLUMN adaptor_public_key text;
