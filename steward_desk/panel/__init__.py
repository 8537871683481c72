"""The panel exchange: case packs out to the stewards, signed verdict bundles back to the head
steward, the merge of a panel's verdicts and the head steward's signed decision."""
