package io.jsorc.services.elastic;

import java.util.Map;

/**
 * One document waiting to be shipped.
 *
 * @param index  the index or data stream it goes to
 * @param source its fields ({@code @timestamp} among them)
 */
record ElasticDocument(String index, Map<String, Object> source) {
}
