/**
 * The shapes of the API's request and response bodies, for the OpenAPI document only (the routes
 * read and write JSON themselves). Public fields, so the document generator sees each one.
 */
package io.taskqueue.api.schema;
