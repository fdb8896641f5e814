package com.example;

import io.jsorc.Context;

@Context(name = "visit")                         // JsOrc.ctx("visit") makes a new one on every call
public class Visit {
    final long at = System.currentTimeMillis();
}
