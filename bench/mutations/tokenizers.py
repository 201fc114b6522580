"""Planted bugs in tokenizer options: saved, reloaded and built from the config (issue 17)."""

from mutate import Mutation

CONTRACT = "tests/tokenizers/tokenizer_contract_test.py"

MUTATIONS = [
    Mutation(
        name="load-tokenizer-drops-lowercase",
        path="seqkit/tokenizers/registry.py",
        old='    options = config.get("options", {})',
        new='    options = {k: v for k, v in config.get("options", {}).items() if k != "lowercase"}',
        tests=(f"{CONTRACT}::test_non_default_options_survive_save_and_load",),
        description="load_tokenizer drops the saved `lowercase` option",
    ),
    Mutation(
        name="word-options-drop-punctuation",
        path="seqkit/tokenizers/word_tokenizer.py",
        old='        return {"lowercase": self.lowercase, "punctuation": self.punctuation}',
        new='        return {"lowercase": self.lowercase}',
        tests=(f"{CONTRACT}::test_non_default_options_survive_save_and_load",),
        description="a word tokenizer saves without its `punctuation` option",
    ),
    Mutation(
        name="char-options-drop-lowercase",
        path="seqkit/tokenizers/char_tokenizer.py",
        old='        return {"lowercase": self.lowercase}',
        new="        return {}",
        tests=(f"{CONTRACT}::test_non_default_options_survive_save_and_load",),
        description="a char tokenizer saves without its `lowercase` option",
    ),
    Mutation(
        name="config-lowercase-not-passed",
        path="seqkit/tasks/text/tokenizer.py",
        old='        options["lowercase"] = tok_config.lowercase',
        new="        pass",
        tests=("tests/tasks/classify_test.py::test_tokenizer_settings_reach_the_tokenizer_and_survive_the_assets",),
        description="tokenizer.lowercase in the config never reaches the tokenizer",
    ),
]
