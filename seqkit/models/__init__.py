"""Model builders shared by tasks, over `seqkit.layers`."""
