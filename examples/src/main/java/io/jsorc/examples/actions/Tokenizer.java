package io.jsorc.examples.actions;

import io.jsorc.action.Action;
import io.jsorc.action.ActionModule;

import java.util.Arrays;
import java.util.List;

/** Cheap and small: splits text into tokens. */
@ActionModule("tokenizer")
public class Tokenizer {

    /**
     * Splits text into tokens.
     *
     * @param text the text
     * @return its lower-case tokens
     */
    @Action
    public List<String> tokenize(String text) {
        return Arrays.asList(text.toLowerCase(java.util.Locale.ROOT).split("\\W+"));
    }
}
