package com.example;

import io.jsorc.CommonService;
import io.jsorc.Service;

@Service(name = "greeter")                       // config key GREETER_CONFIG
public class GreeterService extends CommonService<String> {
    record Config(String greeting, String name) { }

    @Override
    protected String run() {                     // build the app the service wraps
        Config c = config(Config.class);         // the config, flags removed, bound with Jackson
        return c.greeting() + ", " + c.name() + "!";
    }
}
